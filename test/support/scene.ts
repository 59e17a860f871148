import type { GrayFrame } from "../../src/interfaces/index.js";
import { drawFace } from "./stand-in-model.js";

/** A synthetic person crossing the view: frames [from, from + frames), moving linearly. */
export interface Walker {
  readonly from: number;
  readonly frames: number;
  readonly start: readonly [number, number];
  readonly step: readonly [number, number];
  readonly size: number;
  readonly cls: "mask" | "no_mask";
}

/** Draws frame `index` of a scene: textured background plus every walker in view (face markers for the StandInModel). */
export function sceneFrame(width: number, height: number, walkers: readonly Walker[], index: number): GrayFrame {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 30 + ((i * 13 + index * 7) % 60);
  for (const walker of walkers) {
    const t = index - walker.from;
    if (t < 0 || t >= walker.frames) continue;
    drawFace(pixels, width, height, walker.start[0] + walker.step[0] * t, walker.start[1] + walker.step[1] * t, walker.size, walker.cls);
  }
  return { width, height, pixels };
}

/**
 * `count` people, one after another, each crossing left to right in `frames`
 * frames, with `gap` empty frames between them; every third one unmasked.
 */
export function queueOfWalkers(count: number, options: { width: number; height: number; frames?: number; gap?: number; size?: number }): Walker[] {
  const frames = options.frames ?? 8;
  const gap = options.gap ?? 14;
  const size = options.size ?? 18;
  const walkers: Walker[] = [];
  for (let i = 0; i < count; i++) {
    const y = options.height / 2 + ((i % 3) - 1) * (options.height / 5);
    const startX = size;
    const step = (options.width - 2 * size) / frames;
    walkers.push({ from: i * (frames + gap), frames, start: [startX, y], step: [step, 0], size, cls: i % 3 === 2 ? "no_mask" : "mask" });
  }
  return walkers;
}
