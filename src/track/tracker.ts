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
  /**
   * The fastest a face moves, in the faces' units (e.g. frame pixels) per
   * second. A face joins a track when it lies within the gate of the track's
   * predicted position: this speed times the frame interval (taken as 200 to
   * 400 ms, so that neither a fast nor a slow camera makes it absurd),
   * widening to twice that while the track is unseen. It also caps a track's
   * velocity.
   */
  readonly speed: number;
  /** Hits that confirm a track: only confirmed tracks count as passages (default 3) ... */
  readonly confirmHits?: number;
  /** ... over at least this many milliseconds from the first hit to the latest (default 300). */
  readonly confirmMs?: number;
  /**
   * A tentative track is dropped once unseen for longer than this, in
   * milliseconds (default 300), or than 1.5 frame intervals at a slow frame
   * rate: it always survives one missed frame.
   */
  readonly maxTentativeGapMs?: number;
  /** A confirmed track ends once unseen for longer than this, in milliseconds (default 2000). */
  readonly maxGapMs?: number;
  /**
   * A face that appears where a face that never moved was last seen, less
   * than this many milliseconds before, and that never moves either,
   * continues that passage instead of counting again: someone standing who
   * looks down for a few seconds, a false detection flickering on the
   * background. Such spots are forgotten after this long (default 10000;
   * 0 turns it off).
   */
  readonly staticMemoryMs?: number;
  /** Most live tracks; faces beyond it start no track (default 64). */
  readonly maxTracks?: number;
  /** Called once per ended confirmed track with the majority class of its frames (a tie counts as no_mask). */
  readonly onPassage: (cls: FaceClass) => void;
}

/**
 * In time, not frames, so that counting does not depend on the camera's frame
 * rate. At 5 fps they are the frame counts the tracker was tuned with: 3 hits,
 * a tentative track survives 1 missed frame, a confirmed one 10.
 */
export const TRACKER_DEFAULTS = Object.freeze({ confirmHits: 3, confirmMs: 300, maxTentativeGapMs: 300, maxGapMs: 2000, staticMemoryMs: 10_000, maxTracks: 64 });

/**
 * The frame interval the gate assumes is clamped to this range (ms): at a
 * high frame rate the gate stays speed x 0.2 s (32 scaled px, about a face
 * width, in the app), since it must also cover detection jitter and changes
 * of pace; at a low one it stops growing at speed x 0.4 s.
 */
const GATE_INTERVAL_MIN_MS = 200;
const GATE_INTERVAL_MAX_MS = 400;

/**
 * Below 5 fps, maxTentativeGapMs would drop a tentative track at its first
 * missed frame; this many frame intervals keep one missed frame allowed, as at 5 fps.
 */
const TENTATIVE_GAP_FRAMES = 1.5;

/**
 * A track is static when it never strayed farther from where it began than
 * the top speed covers in this long (16 scaled px in the app: detection
 * jitter, a person shifting on their feet) ...
 */
const STATIC_DRIFT_S = 0.1;
/**
 * ... and it continues a remembered static spot when it began as close to it
 * (not a whole gate: two people standing in turn at one place must be close
 * indeed to be taken for one).
 */
const STATIC_MATCH_S = STATIC_DRIFT_S;

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
 * confirmed tracks first, within the gate (see TrackerOptions.speed). A track
 * confirmed by `confirmHits` hits over `confirmMs` survives `maxGapMs` unseen
 * (occlusion, missed detections, two people crossing merged into one face);
 * after that it ends and counts once, masked or not by the majority of its
 * frames. Someone who leaves for longer and comes back starts a new passage,
 * except that a face that never moves, appearing where one that never moved
 * was last seen within `staticMemoryMs`, continues that passage: the tracker
 * remembers only such spots (a position and a time, for that long), never a
 * face. Every parameter is in time (the clock's milliseconds), so the same passage
 * counts the same at any frame rate.
 */
export class Tracker {
  /**
   * Every Track made so far: live ones at 0..#live-1 in the order they
   * started, ended ones after them, kept for reuse (at most maxTracks).
   */
  #tracks: Track[] = [];
  #live = 0;
  #speed: number;
  #confirmHits: number;
  #confirmMs: number;
  #maxTentativeGapMs: number;
  #maxGapMs: number;
  #staticMemoryMs: number;
  /**
   * Where static faces were last seen (position, time), 0..#spots-1, at most
   * maxTracks, the oldest replaced first, forgotten (zeroed) after
   * staticMemoryMs: preallocated, so that remembering allocates nothing.
   */
  #spotX: Float64Array;
  #spotY: Float64Array;
  #spotSeen: Float64Array;
  #spots = 0;
  /**
   * The tracker's own time (ms): it advances by the clock's steps and never
   * goes back, so that a clock set backwards (SNTP) strands no track.
   */
  #now = 0;
  /** The clock's time at the previous update (NaN before the first). */
  #previous = Number.NaN;
  /** Time since the previous update (0 at the first), and the gate of a track seen then. */
  #interval = 0;
  #frameGate = 0;
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
    if (!(options.speed > 0)) throw new RangeError("tracker: speed must be > 0");
    this.#speed = options.speed;
    this.#confirmHits = options.confirmHits ?? TRACKER_DEFAULTS.confirmHits;
    this.#confirmMs = options.confirmMs ?? TRACKER_DEFAULTS.confirmMs;
    this.#maxTentativeGapMs = options.maxTentativeGapMs ?? TRACKER_DEFAULTS.maxTentativeGapMs;
    this.#maxGapMs = options.maxGapMs ?? TRACKER_DEFAULTS.maxGapMs;
    this.#maxTracks = options.maxTracks ?? TRACKER_DEFAULTS.maxTracks;
    this.#staticMemoryMs = options.staticMemoryMs ?? TRACKER_DEFAULTS.staticMemoryMs;
    this.#spotX = new Float64Array(this.#maxTracks);
    this.#spotY = new Float64Array(this.#maxTracks);
    this.#spotSeen = new Float64Array(this.#maxTracks);
    this.#onPassage = options.onPassage;
  }

  /** Live tracks, tentative and confirmed. */
  get activeCount(): number {
    return this.#live;
  }

  /** Static spots remembered now (each a position and a time, none older than staticMemoryMs). */
  get staticSpotCount(): number {
    return this.#spots;
  }

  /** Changes the speed (the app sets it from the tile plan's scale). */
  set speed(value: number) {
    if (!(value > 0)) throw new RangeError("tracker: speed must be > 0");
    this.#speed = value;
  }

  get speed(): number {
    return this.#speed;
  }

  /** One frame's faces, as objects, seen at `now` (ms). */
  update(faces: readonly TrackedFace[], now: number): void {
    const input = this.#input;
    input.clear();
    for (let f = 0; f < faces.length; f++) input.add(faces[f].x, faces[f].y, faces[f].cls === MASK, 0, false, 0);
    this.updateFrom(input, now);
  }

  /**
   * One frame's faces, as columns, seen at `now` (the clock's milliseconds;
   * the frame loop's path: nothing allocated once the tracks in use have been
   * made). A clock that steps back counts as no time passing.
   */
  updateFrom(faces: FaceColumns, now: number): void {
    if (!Number.isFinite(now)) throw new RangeError("tracker: time must be a finite number");
    const interval = Number.isNaN(this.#previous) ? 0 : Math.max(0, now - this.#previous);
    this.#previous = now;
    this.#now += interval;
    this.#interval = interval;
    this.#frameGate = (this.#speed * Math.min(GATE_INTERVAL_MAX_MS, Math.max(GATE_INTERVAL_MIN_MS, interval))) / 1000;
    const tracks = this.#tracks;
    const live = this.#live;
    const trackTaken = (this.#trackTaken = cleared(this.#trackTaken, live));
    const faceTaken = (this.#faceTaken = cleared(this.#faceTaken, faces.count));
    this.#associate(faces, trackTaken, faceTaken);
    // Tracks unseen too long end. Kept tracks move up in their order; ended
    // ones go behind them for reuse.
    let kept = 0;
    for (let t = 0; t < live; t++) {
      const track = tracks[t];
      if (this.#isOver(track)) {
        this.#end(track);
        continue;
      }
      tracks[t] = tracks[kept];
      tracks[kept++] = track;
    }
    this.#live = kept;
    this.#forgetSpots();
    for (let f = 0; f < faces.count; f++) {
      if (!faceTaken[f] && this.#live < this.#maxTracks) this.#start(faces.x[f], faces.y[f], faces.masked[f] === 1, this.#now);
    }
  }

  /** Ends every live track now (confirmed ones count): end of a finite source, shutdown. */
  endAll(): void {
    for (let t = 0; t < this.#live; t++) this.#end(this.#tracks[t]);
    this.#live = 0;
  }

  /** A new track behind the live ones: an ended Track reused, or a new one when all are live. */
  #start(x: number, y: number, masked: boolean, now: number): void {
    const tracks = this.#tracks;
    if (this.#live === tracks.length) tracks.push(new Track());
    const track = tracks[this.#live++];
    track.start(x, y, masked, now);
    track.nearStaticSpot = this.#nearSpot(x, y);
  }

  #confirmed(track: Track): boolean {
    return track.hits >= this.#confirmHits && track.lastSeen - track.firstSeen >= this.#confirmMs;
  }

  #isOver(track: Track): boolean {
    const tentativeGap = Math.max(this.#maxTentativeGapMs, TENTATIVE_GAP_FRAMES * this.#interval);
    return this.#now - track.lastSeen > (this.#confirmed(track) ? this.#maxGapMs : tentativeGap);
  }

  #end(track: Track): void {
    const confirmed = this.#confirmed(track);
    if (this.#staticMemoryMs > 0 && track.drift <= this.#speed * STATIC_DRIFT_S) {
      // Remembered when it counts, and when it continues a spot, confirmed or
      // not: the sparse detections between two confirmed tracks keep a spot alive.
      if (confirmed || track.nearStaticSpot) this.#remember(track);
      if (track.nearStaticSpot) return;
    }
    if (confirmed) this.#onPassage(track.maskVotes > track.noMaskVotes ? MASK : NO_MASK);
  }

  /** True when (x, y) is close to where a static face was last seen (spots older than staticMemoryMs are gone). */
  #nearSpot(x: number, y: number): boolean {
    const reach = this.#speed * STATIC_MATCH_S;
    for (let s = 0; s < this.#spots; s++) if (Math.hypot(x - this.#spotX[s], y - this.#spotY[s]) <= reach) return true;
    return false;
  }

  /** Where a static track was last seen, in a free entry or over the oldest one. */
  #remember(track: Track): void {
    const spot = this.#spots < this.#spotX.length ? this.#spots++ : this.#oldestSpot();
    this.#spotX[spot] = track.x;
    this.#spotY[spot] = track.y;
    this.#spotSeen[spot] = track.lastSeen;
  }

  #oldestSpot(): number {
    let oldest = 0;
    for (let s = 1; s < this.#spots; s++) if (this.#spotSeen[s] < this.#spotSeen[oldest]) oldest = s;
    return oldest;
  }

  /** Drops the spots last seen more than staticMemoryMs ago, zeroing what they held. */
  #forgetSpots(): void {
    let kept = 0;
    for (let s = 0; s < this.#spots; s++) {
      if (this.#now - this.#spotSeen[s] > this.#staticMemoryMs) continue;
      this.#spotX[kept] = this.#spotX[s];
      this.#spotY[kept] = this.#spotY[s];
      this.#spotSeen[kept++] = this.#spotSeen[s];
    }
    this.#spotX.fill(0, kept, this.#spots);
    this.#spotY.fill(0, kept, this.#spots);
    this.#spotSeen.fill(0, kept, this.#spots);
    this.#spots = kept;
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
        tracks[t].hit(faces.x[f], faces.y[f], faces.masked[f] === 1, this.#speed / 1000, this.#now);
      }
    }
    this.#faces = NO_FACES;
  }

  /** Squared distance from row's track prediction to col's face, FORBIDDEN outside the gate. */
  #costOf(row: number, col: number): number {
    const track = this.#tracks[this.#rows[row]];
    const face = this.#cols[col];
    const now = this.#now;
    const dx = this.#faces.x[face] - track.predictedX(now);
    const dy = this.#faces.y[face] - track.predictedY(now);
    const squared = dx * dx + dy * dy;
    // The gate widens while a track is unseen (beyond the last frame interval), up to twice
    // its size after maxGapMs (max(1, …): with maxGapMs 0 a track is never unseen when matched).
    const unseen = Math.max(0, now - track.lastSeen - this.#interval);
    const gate = this.#frameGate * (1 + Math.min(1, unseen / Math.max(1, this.#maxGapMs)));
    return squared <= gate * gate ? squared : FORBIDDEN;
  }
}
