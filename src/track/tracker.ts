import type { FaceClass } from "../detect/detection.js";
import { Assignment, FORBIDDEN } from "./assignment.js";

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

const NO_FACES: readonly TrackedFace[] = Object.freeze([]);

/** Weight of the newest displacement in the velocity estimate (an exponential average). */
const VELOCITY_SMOOTHING = 0.3;
/** Most frames a prediction extrapolates the velocity over a gap. */
const MAX_COAST_FRAMES = 5;

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

  /** Frames the prediction extrapolates: velocity estimates are noisy, so not for long. */
  #coast(): number {
    return Math.min(this.misses + 1, MAX_COAST_FRAMES);
  }

  predictedX(): number {
    return this.x + this.vx * this.#coast();
  }

  predictedY(): number {
    return this.y + this.vy * this.#coast();
  }

  /** Takes a face seen `misses + 1` frames after the last hit; velocity is smoothed and capped at `maxSpeed` per frame. */
  hit(face: TrackedFace, maxSpeed: number): void {
    const frames = this.misses + 1;
    let vx = (face.x - this.x) / frames;
    let vy = (face.y - this.y) / frames;
    if (this.hits > 1) {
      vx = VELOCITY_SMOOTHING * vx + (1 - VELOCITY_SMOOTHING) * this.vx;
      vy = VELOCITY_SMOOTHING * vy + (1 - VELOCITY_SMOOTHING) * this.vy;
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
 * nothing kept once a track ends. Association is an optimal assignment on the
 * distance between each track's constant-velocity prediction and the faces,
 * confirmed tracks first, within `gate` (widening while a track is unseen). A track confirmed by `confirmHits` hits
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
  #assignment = new Assignment();
  #rows = new Int32Array(8);
  #cols = new Int32Array(8);
  #faces: readonly TrackedFace[] = NO_FACES;
  #cost = (row: number, col: number): number => this.#costOf(row, col);
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

  /**
   * Confirmed tracks take faces first, then tentative tracks take what is left;
   * each stage is an optimal assignment on squared distances to the predicted
   * positions within the gate (greedy nearest-first would swap two people
   * crossing whose predictions were blurred by a merged detection).
   */
  #associate(faces: readonly TrackedFace[], trackTaken: Uint8Array, faceTaken: Uint8Array): void {
    if (this.#rows.length < this.#tracks.length) this.#rows = new Int32Array(Math.max(this.#tracks.length, 2 * this.#rows.length, 8));
    if (this.#cols.length < faces.length) this.#cols = new Int32Array(Math.max(faces.length, 2 * this.#cols.length, 8));
    const rows = this.#rows;
    const cols = this.#cols;
    this.#faces = faces;
    for (let stage = 0; stage < 2; stage++) {
      const confirmedStage = stage === 0;
      let rowCount = 0;
      let colCount = 0;
      for (let t = 0; t < this.#tracks.length; t++) if (this.#confirmed(this.#tracks[t]) === confirmedStage) rows[rowCount++] = t;
      for (let f = 0; f < faces.length; f++) if (!faceTaken[f]) cols[colCount++] = f;
      if (rowCount === 0 || colCount === 0) continue;
      const match = this.#assignment.solve(rowCount, colCount, this.#cost);
      for (let row = 0; row < rowCount; row++) {
        const col = match[row];
        if (col < 0) continue;
        const t = rows[row];
        const f = cols[col];
        trackTaken[t] = 1;
        faceTaken[f] = 1;
        this.#tracks[t].hit(faces[f], this.#gate);
      }
    }
    this.#faces = NO_FACES;
  }

  /** Squared distance from row's track prediction to col's face, FORBIDDEN outside the gate. */
  #costOf(row: number, col: number): number {
    const track = this.#tracks[this.#rows[row]];
    const face = this.#faces[this.#cols[col]];
    const dx = face.x - track.predictedX();
    const dy = face.y - track.predictedY();
    const squared = dx * dx + dy * dy;
    // The gate widens while a track is unseen, up to twice its size after maxMisses frames.
    const gate = this.#gate * (1 + Math.min(1, track.misses / this.#maxMisses));
    return squared <= gate * gate ? squared : FORBIDDEN;
  }
}
