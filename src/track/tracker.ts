import { MASK, NO_MASK, type FaceClass } from "../detect/detection.js";
import { DetectionList } from "../detect/detection-list.js";
import { Assignment, FORBIDDEN } from "./assignment.js";
import { Track } from "./track.js";

/** What the tracker needs from a face: its position (and class, for the passage's vote). */
export interface TrackedFace {
  readonly x: number;
  readonly y: number;
  readonly cls: FaceClass;
}

/** One frame's faces as columns, entries 0..count-1 (a DetectionList is one): the frame loop's form, no object per face. */
export interface FaceColumns {
  readonly count: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** 1 = mask, 0 = no_mask. */
  readonly masked: Uint8Array;
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

const NO_FACES: FaceColumns = Object.freeze({ count: 0, x: new Float64Array(0), y: new Float64Array(0), masked: new Uint8Array(0) });

/** `flags` cleared over 0..length-1, or a larger array when it is too short. */
function cleared(flags: Uint8Array, length: number): Uint8Array {
  if (flags.length < length) return new Uint8Array(Math.max(length, 2 * flags.length, 8));
  return flags.fill(0, 0, length);
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
  /**
   * Every Track made so far: live ones at 0..#live-1 in the order they
   * started, ended ones after them, kept for reuse (at most maxTracks).
   */
  #tracks: Track[] = [];
  #live = 0;
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
  #faces: FaceColumns = NO_FACES;
  #cost = (row: number, col: number): number => this.#costOf(row, col);
  #trackTaken: Uint8Array = new Uint8Array(8);
  #faceTaken: Uint8Array = new Uint8Array(8);
  /** update()'s faces copied into columns. */
  #input = new DetectionList();

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
    return this.#live;
  }

  /** Changes the gate (the app sets it from the tile plan's scale). */
  set gate(value: number) {
    if (!(value > 0)) throw new RangeError("tracker: gate must be > 0");
    this.#gate = value;
  }

  get gate(): number {
    return this.#gate;
  }

  /** One frame's faces, as objects. */
  update(faces: readonly TrackedFace[]): void {
    const input = this.#input;
    input.clear();
    for (let f = 0; f < faces.length; f++) input.add(faces[f].x, faces[f].y, faces[f].cls === MASK, 0, false, 0);
    this.updateFrom(input);
  }

  /** One frame's faces, as columns (the frame loop's path: nothing allocated once the tracks in use have been made). */
  updateFrom(faces: FaceColumns): void {
    const tracks = this.#tracks;
    const live = this.#live;
    const trackTaken = (this.#trackTaken = cleared(this.#trackTaken, live));
    const faceTaken = (this.#faceTaken = cleared(this.#faceTaken, faces.count));
    this.#associate(faces, trackTaken, faceTaken);
    // Unmatched tracks miss this frame; those missed too long end. Kept
    // tracks move up in their order; ended ones go behind them for reuse.
    let kept = 0;
    for (let t = 0; t < live; t++) {
      const track = tracks[t];
      if (!trackTaken[t]) track.misses++;
      if (this.#isOver(track)) {
        this.#end(track);
        continue;
      }
      tracks[t] = tracks[kept];
      tracks[kept++] = track;
    }
    this.#live = kept;
    for (let f = 0; f < faces.count; f++) {
      if (!faceTaken[f] && this.#live < this.#maxTracks) this.#start(faces.x[f], faces.y[f], faces.masked[f] === 1);
    }
  }

  /** Ends every live track now (confirmed ones count): end of a finite source, shutdown. */
  endAll(): void {
    for (let t = 0; t < this.#live; t++) this.#end(this.#tracks[t]);
    this.#live = 0;
  }

  /** A new track behind the live ones: an ended Track reused, or a new one when all are live. */
  #start(x: number, y: number, masked: boolean): void {
    const tracks = this.#tracks;
    if (this.#live === tracks.length) tracks.push(new Track());
    tracks[this.#live++].start(x, y, masked);
  }

  #confirmed(track: Track): boolean {
    return track.hits >= this.#confirmHits;
  }

  #isOver(track: Track): boolean {
    return track.misses > (this.#confirmed(track) ? this.#maxMisses : this.#maxTentativeMisses);
  }

  #end(track: Track): void {
    if (this.#confirmed(track)) this.#onPassage(track.maskVotes > track.noMaskVotes ? MASK : NO_MASK);
  }

  /**
   * Confirmed tracks take faces first, then tentative tracks take what is left;
   * each stage is an optimal assignment on squared distances to the predicted
   * positions within the gate (greedy nearest-first would swap two people
   * crossing whose predictions were blurred by a merged detection).
   */
  #associate(faces: FaceColumns, trackTaken: Uint8Array, faceTaken: Uint8Array): void {
    const live = this.#live;
    if (this.#rows.length < live) this.#rows = new Int32Array(Math.max(live, 2 * this.#rows.length, 8));
    if (this.#cols.length < faces.count) this.#cols = new Int32Array(Math.max(faces.count, 2 * this.#cols.length, 8));
    const rows = this.#rows;
    const cols = this.#cols;
    const tracks = this.#tracks;
    this.#faces = faces;
    for (let stage = 0; stage < 2; stage++) {
      const confirmedStage = stage === 0;
      let rowCount = 0;
      let colCount = 0;
      for (let t = 0; t < live; t++) if (this.#confirmed(tracks[t]) === confirmedStage) rows[rowCount++] = t;
      for (let f = 0; f < faces.count; f++) if (!faceTaken[f]) cols[colCount++] = f;
      if (rowCount === 0 || colCount === 0) continue;
      const match = this.#assignment.solve(rowCount, colCount, this.#cost);
      for (let row = 0; row < rowCount; row++) {
        const col = match[row];
        if (col < 0) continue;
        const t = rows[row];
        const f = cols[col];
        trackTaken[t] = 1;
        faceTaken[f] = 1;
        tracks[t].hit(faces.x[f], faces.y[f], faces.masked[f] === 1, this.#gate);
      }
    }
    this.#faces = NO_FACES;
  }

  /** Squared distance from row's track prediction to col's face, FORBIDDEN outside the gate. */
  #costOf(row: number, col: number): number {
    const track = this.#tracks[this.#rows[row]];
    const face = this.#cols[col];
    const dx = this.#faces.x[face] - track.predictedX();
    const dy = this.#faces.y[face] - track.predictedY();
    const squared = dx * dx + dy * dy;
    // The gate widens while a track is unseen, up to twice its size after maxMisses frames
    // (max(1, …): with maxMisses 0 a track is never unseen when matched).
    const gate = this.#gate * (1 + Math.min(1, track.misses / Math.max(1, this.#maxMisses)));
    return squared <= gate * gate ? squared : FORBIDDEN;
  }
}
