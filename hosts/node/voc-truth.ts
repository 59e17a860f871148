import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { Log } from "../../src/interfaces/index.js";
import { parseVoc, type Face } from "../../models/data/voc.js";

/**
 * The VOC file that labels an image: `<stem>.xml` beside it, or in an
 * `annotations/` folder beside its `images/` folder. Undefined when neither exists.
 */
export function annotationPathFor(imagePath: string): string | undefined {
  const stem = basename(imagePath, extname(imagePath));
  const folder = dirname(imagePath);
  const candidates = [join(folder, `${stem}.xml`), join(dirname(folder), "annotations", `${stem}.xml`)];
  return candidates.find((candidate) => existsSync(candidate));
}

export interface TruthSummary {
  /** Labelled passages over all shown images; null unless every shown image is labelled. */
  readonly peopleTrue: number | null;
  /** Share of those passages wearing a mask properly; null as above or when there are none. */
  readonly maskedShareTrue: number | null;
  readonly labelledImages: number;
  readonly unlabelledImages: number;
}

export interface GroundTruthOptions {
  readonly log: Log;
  /**
   * True when the images are consecutive frames of one scene: a labelled face
   * that stays near a face of the previous image is the same passage. False
   * when every image is a scene of its own (the demo's held photos, with an
   * empty scene between them): each labelled face is one passage.
   */
  readonly consecutive: boolean;
}

/** A labelled passage being followed from image to image: its last box and its votes. */
interface LabelTrack {
  face: Face;
  masked: number;
  unmasked: number;
}

/**
 * Ground truth of a run from VOC labels, counted the way the device counts:
 * passages, each masked by the majority of its labels (a tie is unmasked, as
 * in the tracker). "mask_weared_incorrect" counts as unmasked, as in the
 * model's training labels. Consecutive frames are linked one-to-one, nearest
 * first, when a face's center moved less than the larger side of its previous
 * box: labels carry no identity, so this is the closest a label can say.
 */
export class GroundTruth {
  readonly #log: Log;
  readonly #consecutive: boolean;
  #open: LabelTrack[] = [];
  #people = 0;
  #masked = 0;
  #labelled = 0;
  #unlabelled = 0;

  constructor(options: GroundTruthOptions) {
    this.#log = options.log;
    this.#consecutive = options.consecutive;
  }

  add(imagePath: string): void {
    const path = annotationPathFor(imagePath);
    if (path === undefined) {
      this.#unlabelled++;
      return;
    }
    let faces: readonly Face[];
    try {
      faces = parseVoc(readFileSync(path, "utf8"), path).faces;
    } catch (error) {
      this.#unlabelled++;
      this.#log.write("warn", "truth.bad_label", { file: basename(path), reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    this.#labelled++;
    this.#follow(this.#consecutive ? this.#open : [], faces);
  }

  summary(): TruthSummary {
    for (const track of this.#open) this.#end(track);
    this.#open = [];
    const complete = this.#labelled > 0 && this.#unlabelled === 0;
    return {
      peopleTrue: complete ? this.#people : null,
      maskedShareTrue: complete && this.#people > 0 ? this.#masked / this.#people : null,
      labelledImages: this.#labelled,
      unlabelledImages: this.#unlabelled,
    };
  }

  /** Continues `previous` tracks with this image's faces; the rest end, new faces start. */
  #follow(previous: readonly LabelTrack[], faces: readonly Face[]): void {
    const pairs: { track: number; face: number; distance: number }[] = [];
    previous.forEach((track, t) => {
      const reach = Math.max(track.face.x1 - track.face.x0, track.face.y1 - track.face.y0);
      faces.forEach((face, f) => {
        const distance = Math.hypot(centerX(face) - centerX(track.face), centerY(face) - centerY(track.face));
        if (distance < reach) pairs.push({ track: t, face: f, distance });
      });
    });
    pairs.sort((a, b) => a.distance - b.distance);
    const continued = new Set<number>();
    const next: (LabelTrack | undefined)[] = faces.map(() => undefined);
    for (const pair of pairs) {
      if (continued.has(pair.track) || next[pair.face] !== undefined) continue;
      continued.add(pair.track);
      next[pair.face] = previous[pair.track];
    }
    previous.forEach((track, t) => {
      if (!continued.has(t)) this.#end(track);
    });
    for (const track of this.#open) if (!previous.includes(track)) this.#end(track);
    this.#open = faces.map((face, f) => {
      const track = next[f] ?? { face, masked: 0, unmasked: 0 };
      track.face = face;
      if (face.cls === "mask") track.masked++;
      else track.unmasked++;
      return track;
    });
  }

  #end(track: LabelTrack): void {
    this.#people++;
    if (track.masked > track.unmasked) this.#masked++;
  }
}

const centerX = (face: Face): number => (face.x0 + face.x1) / 2;
const centerY = (face: Face): number => (face.y0 + face.y1) / 2;
