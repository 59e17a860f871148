/** Weight of the newest displacement in the velocity estimate (an exponential average). */
const VELOCITY_SMOOTHING = 0.3;
/** Most frames a prediction extrapolates the velocity over a gap. */
const MAX_COAST_FRAMES = 5;

/**
 * One person's passage while in view: position, velocity and class votes
 * only. The tracker reuses a Track once its passage has ended (start() resets
 * every field), so that people coming and going allocate nothing.
 */
export class Track {
  x = 0;
  y = 0;
  vx = 0;
  vy = 0;
  hits = 0;
  misses = 0;
  maskVotes = 0;
  noMaskVotes = 0;

  /** Begins a passage at a face: its first hit. */
  start(x: number, y: number, masked: boolean): void {
    this.x = x;
    this.y = y;
    this.vx = 0;
    this.vy = 0;
    this.hits = 1;
    this.misses = 0;
    this.maskVotes = 0;
    this.noMaskVotes = 0;
    this.vote(masked);
  }

  vote(masked: boolean): void {
    if (masked) this.maskVotes++;
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
  hit(x: number, y: number, masked: boolean, maxSpeed: number): void {
    const frames = this.misses + 1;
    let vx = (x - this.x) / frames;
    let vy = (y - this.y) / frames;
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
    this.hits++;
    this.misses = 0;
    this.vote(masked);
  }
}
