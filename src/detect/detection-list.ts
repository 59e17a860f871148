import { MASK, NO_MASK, type Detection, type FaceClass } from "./detection.js";

const INITIAL_CAPACITY = 16;

/**
 * Faces as columns of typed arrays, reused frame after frame: the frame loop
 * writes detections here instead of making an object per face, so that the
 * steady state allocates nothing (the columns grow, by doubling, only when a
 * frame holds more faces than any before). Entries 0..count-1 are valid until
 * the next clear(). Class: `masked` 1 = mask, 0 = no_mask. Size: `hasSize` 1
 * when `size` holds a face width.
 */
export class DetectionList {
  #count = 0;
  #x: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #y: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #confidence: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #size: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #masked: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  #hasSize: Uint8Array = new Uint8Array(INITIAL_CAPACITY);

  get count(): number {
    return this.#count;
  }

  // The columns: read them after the writes (a write may replace them when it grows the list).
  get x(): Float64Array {
    return this.#x;
  }

  get y(): Float64Array {
    return this.#y;
  }

  get confidence(): Float64Array {
    return this.#confidence;
  }

  get size(): Float64Array {
    return this.#size;
  }

  get masked(): Uint8Array {
    return this.#masked;
  }

  get hasSize(): Uint8Array {
    return this.#hasSize;
  }

  clear(): void {
    this.#count = 0;
  }

  /** Appends a face; `size` is ignored unless `hasSize`. */
  add(x: number, y: number, masked: boolean, confidence: number, hasSize: boolean, size: number): void {
    const i = this.#count;
    if (i === this.#x.length) this.#grow();
    this.#x[i] = x;
    this.#y[i] = y;
    this.#masked[i] = masked ? 1 : 0;
    this.#confidence[i] = confidence;
    this.#hasSize[i] = hasSize ? 1 : 0;
    this.#size[i] = hasSize ? size : 0;
    this.#count = i + 1;
  }

  /** Class of entry i. */
  classOf(i: number): FaceClass {
    return this.#masked[i] === 1 ? MASK : NO_MASK;
  }

  /** Appends detections given as objects (the array-based APIs). */
  addAll(detections: readonly Detection[]): void {
    for (const face of detections) this.add(face.x, face.y, face.cls === MASK, face.confidence, face.size !== undefined, face.size ?? 0);
  }

  /** The entries as objects (`size` only where known), for callers outside the frame loop. */
  toArray(): Detection[] {
    const out: Detection[] = [];
    for (let i = 0; i < this.#count; i++) {
      const face: Detection = { x: this.#x[i], y: this.#y[i], cls: this.classOf(i), confidence: this.#confidence[i] };
      out.push(this.#hasSize[i] === 1 ? { ...face, size: this.#size[i] } : face);
    }
    return out;
  }

  #grow(): void {
    const capacity = 2 * this.#x.length;
    this.#x = grown(this.#x, capacity);
    this.#y = grown(this.#y, capacity);
    this.#confidence = grown(this.#confidence, capacity);
    this.#size = grown(this.#size, capacity);
    this.#masked = grownBytes(this.#masked, capacity);
    this.#hasSize = grownBytes(this.#hasSize, capacity);
  }
}

function grown(column: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(column);
  return next;
}

function grownBytes(column: Uint8Array, capacity: number): Uint8Array {
  const next = new Uint8Array(capacity);
  next.set(column);
  return next;
}
