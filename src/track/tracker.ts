import type { FaceClass } from "../detect/detection.js";

/** What the tracker needs from a face: its position (and class, for the passage's vote). */
export interface TrackedFace {
  readonly x: number;
  readonly y: number;
  readonly cls: FaceClass;
}

export interface TrackerOptions {
  /** Largest distance (in the faces' units, e.g. frame pixels) between a track's predicted position and a face it takes. */
  readonly gate: number;
  /** Hits that confirm a track: only confirmed tracks count as passages (default 3). */
  readonly confirmHits?: number;
  /** A tentative track is dropped after more consecutive misses than this (default 1). */
  readonly maxTentativeMisses?: number;
  /** A confirmed track ends after more consecutive misses than this (default 10 frames: 1 s at 10 fps). */
  readonly maxMisses?: number;
  /** Most live tracks; faces beyond it start no track (default 64). */
  readonly maxTracks?: number;
  /** Called once per ended confirmed track with the majority class of its frames (a tie counts as no_mask). */
  readonly onPassage: (cls: FaceClass) => void;
}

export const TRACKER_DEFAULTS = Object.freeze({ confirmHits: 3, maxTentativeMisses: 1, maxMisses: 10, maxTracks: 64 });

/** One person's passage while in view: position, velocity and class votes only. */
class Track {
  x: number;
  y: number;
  vx = 0;
  vy = 0;
  hits = 1;
  misses = 0;
  maskVotes = 0;
  noMaskVotes = 0;

  constructor(face: TrackedFace) {
    this.x = face.x;
    this.y = face.y;
    this.vote(face.cls);
  }

  vote(cls: FaceClass): void {
    if (cls === "mask") this.maskVotes++;
    else this.noMaskVotes++;
  }

  predictedX(): number {
    return this.x + this.vx * (this.misses + 1);
  }

  predictedY(): number {
    return this.y + this.vy * (this.misses + 1);
  }

  /** Takes a face seen `misses + 1` frames after the last hit; velocity is smoothed and capped at `maxSpeed` per frame. */
  hit(face: TrackedFace, maxSpeed: number): void {
    const frames = this.misses + 1;
    let vx = (face.x - this.x) / frames;
    let vy = (face.y - this.y) / frames;
    if (this.hits > 1) {
      vx = (vx + this.vx) / 2;
      vy = (vy + this.vy) / 2;
    }
    const speed = Math.hypot(vx, vy);
    const cap = speed > maxSpeed ? maxSpeed / speed : 1;
    this.vx = vx * cap;
    this.vy = vy * cap;
    this.x = face.x;
    this.y = face.y;
    this.hits++;
    this.misses = 0;
    this.vote(face.cls);
  }
}

/**
 * Counts passages from per-frame face positions: no appearance, no identity,
 * nothing kept once a track ends. Association is greedy on the distance
 * between each track's constant-velocity prediction and the faces, confirmed
 * tracks first, within `gate`. A track confirmed by `confirmHits` hits
 * survives up to `maxMisses` missed frames (occlusion, a missed detection,
 * two people crossing merged into one face); after that it ends and counts
 * once, masked or not by the majority of its frames. Someone who leaves for
 * longer and comes back starts a new passage.
 */
export class Tracker {
  #tracks: Track[] = [];
  #gate: number;
  #confirmHits: number;
  #maxTentativeMisses: number;
  #maxMisses: number;
  #maxTracks: number;
  #onPassage: (cls: FaceClass) => void;
  // Scratch for association, reused between frames.
  #pairs: number[] = [];
  #trackTaken: Uint8Array = new Uint8Array(0);
  #faceTaken: Uint8Array = new Uint8Array(0);

  constructor(options: TrackerOptions) {
    if (!(options.gate > 0)) throw new RangeError("tracker: gate must be > 0");
    this.#gate = options.gate;
    this.#confirmHits = options.confirmHits ?? TRACKER_DEFAULTS.confirmHits;
    this.#maxTentativeMisses = options.maxTentativeMisses ?? TRACKER_DEFAULTS.maxTentativeMisses;
    this.#maxMisses = options.maxMisses ?? TRACKER_DEFAULTS.maxMisses;
    this.#maxTracks = options.maxTracks ?? TRACKER_DEFAULTS.maxTracks;
    this.#onPassage = options.onPassage;
  }

  /** Live tracks, tentative and confirmed. */
  get activeCount(): number {
    return this.#tracks.length;
  }

  /** Changes the gate (the app sets it from the tile plan's scale). */
  set gate(value: number) {
    if (!(value > 0)) throw new RangeError("tracker: gate must be > 0");
    this.#gate = value;
  }

  get gate(): number {
    return this.#gate;
  }

  /** One frame's faces. */
  update(faces: readonly TrackedFace[]): void {
    const tracks = this.#tracks;
    const trackTaken = this.#takenFor("track", tracks.length);
    const faceTaken = this.#takenFor("face", faces.length);
    this.#associate(faces, trackTaken, faceTaken);
    // Unmatched tracks miss this frame; those missed too long end.
    let kept = 0;
    for (let t = 0; t < tracks.length; t++) {
      const track = tracks[t];
      if (!trackTaken[t]) track.misses++;
      if (this.#isOver(track)) {
        this.#end(track);
        continue;
      }
      tracks[kept++] = track;
    }
    tracks.length = kept;
    for (let f = 0; f < faces.length; f++) {
      if (!faceTaken[f] && tracks.length < this.#maxTracks) tracks.push(new Track(faces[f]));
    }
  }

  /** Ends every live track now (confirmed ones count): end of a finite source, shutdown. */
  endAll(): void {
    for (const track of this.#tracks) this.#end(track);
    this.#tracks.length = 0;
  }

  #confirmed(track: Track): boolean {
    return track.hits >= this.#confirmHits;
  }

  #isOver(track: Track): boolean {
    return track.misses > (this.#confirmed(track) ? this.#maxMisses : this.#maxTentativeMisses);
  }

  #end(track: Track): void {
    if (this.#confirmed(track)) this.#onPassage(track.maskVotes > track.noMaskVotes ? "mask" : "no_mask");
  }

  #takenFor(which: "track" | "face", length: number): Uint8Array {
    let flags = which === "track" ? this.#trackTaken : this.#faceTaken;
    if (flags.length < length) {
      flags = new Uint8Array(Math.max(length, 2 * flags.length, 8));
      if (which === "track") this.#trackTaken = flags;
      else this.#faceTaken = flags;
    }
    flags.fill(0, 0, length);
    return flags;
  }

  /** Greedy assignment: confirmed tracks before tentative ones, then shortest distance first. */
  #associate(faces: readonly TrackedFace[], trackTaken: Uint8Array, faceTaken: Uint8Array): void {
    const tracks = this.#tracks;
    const gate = this.#gate;
    const pairs = this.#pairs;
    pairs.length = 0;
    for (let t = 0; t < tracks.length; t++) {
      const track = tracks[t];
      const px = track.predictedX();
      const py = track.predictedY();
      const tier = this.#confirmed(track) ? 0 : 1;
      for (let f = 0; f < faces.length; f++) {
        const distance = Math.hypot(faces[f].x - px, faces[f].y - py);
        // Pairs as flat triples: sort key (tier first, then distance), track, face.
        if (distance <= gate) pairs.push(tier * 4 * gate + distance, t, f);
      }
    }
    const count = pairs.length / 3;
    const order: number[] = [];
    for (let i = 0; i < count; i++) order.push(i);
    order.sort((a, b) => pairs[a * 3] - pairs[b * 3]);
    for (const i of order) {
      const t = pairs[i * 3 + 1];
      const f = pairs[i * 3 + 2];
      if (trackTaken[t] || faceTaken[f]) continue;
      trackTaken[t] = 1;
      faceTaken[f] = 1;
      tracks[t].hit(faces[f], gate);
    }
  }
}
