/** Weight of the newest displacement in the velocity estimate (an exponential average). */
const VELOCITY_SMOOTHING = 0.3;
/** Longest gap (ms) a prediction extrapolates the velocity over: velocity estimates are noisy. */
const MAX_COAST_MS = 1000;

/**
 * One person's passage while in view: position, velocity, when it was seen
 * and class votes only. The tracker reuses a Track once its passage has ended
 * (start() resets every field), so that people coming and going allocate
 * nothing. Times are the clock's milliseconds.
 */
export class Track {
  x = 0;
  y = 0;
  /** Velocity in the faces' units per millisecond. */
  vx = 0;
  vy = 0;
  hits = 0;
  /** Times of the first and of the latest hit. */
  firstSeen = 0;
  lastSeen = 0;
  maskVotes = 0;
  noMaskVotes = 0;
  /** Where the passage began, and the farthest it has been from there: a track that never moved is static. */
  startX = 0;
  startY = 0;
  drift = 0;
  /** Set by the tracker: it began where a static face was last seen moments before. */
  nearStaticSpot = false;

  /** Begins a passage at a face seen at `now`: its first hit. */
  start(x: number, y: number, masked: boolean, now: number): void {
    this.x = x;
    this.y = y;
    this.vx = 0;
    this.vy = 0;
    this.hits = 1;
    this.firstSeen = now;
    this.lastSeen = now;
    this.maskVotes = 0;
    this.noMaskVotes = 0;
    this.startX = x;
    this.startY = y;
    this.drift = 0;
    this.nearStaticSpot = false;
    this.vote(masked);
  }

  vote(masked: boolean): void {
    if (masked) this.maskVotes++;
    else this.noMaskVotes++;
  }

  /** Milliseconds the prediction at `now` extrapolates: not for long, and never backwards. */
  #coast(now: number): number {
    return Math.min(Math.max(0, now - this.lastSeen), MAX_COAST_MS);
  }

  predictedX(now: number): number {
    return this.x + this.vx * this.#coast(now);
  }

  predictedY(now: number): number {
    return this.y + this.vy * this.#coast(now);
  }

  /** Takes a face seen at `now`; velocity is smoothed and capped at `maxSpeed` (units per millisecond). */
  hit(x: number, y: number, masked: boolean, maxSpeed: number, now: number): void {
    // At least 1 ms: two frames with the same time stamp must not divide by zero.
    const elapsed = Math.max(1, now - this.lastSeen);
    let vx = (x - this.x) / elapsed;
    let vy = (y - this.y) / elapsed;
    if (this.hits > 1) {
      vx = VELOCITY_SMOOTHING * vx + (1 - VELOCITY_SMOOTHING) * this.vx;
      vy = VELOCITY_SMOOTHING * vy + (1 - VELOCITY_SMOOTHING) * this.vy;
    }
    const speed = Math.hypot(vx, vy);
    const cap = speed > maxSpeed ? maxSpeed / speed : 1;
    this.vx = vx * cap;
    this.vy = vy * cap;
    this.x = x;
    this.y = y;
    this.drift = Math.max(this.drift, Math.hypot(x - this.startX, y - this.startY));
    this.hits++;
    this.lastSeen = Math.max(this.lastSeen, now);
    this.vote(masked);
  }
}
