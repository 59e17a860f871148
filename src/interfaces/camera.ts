/**
 * One grayscale frame: 8-bit luma, row-major, top row first.
 * Frames live in RAM only and are overwritten by the next one; nothing in the
 * core keeps a reference to `pixels` after processing returns.
 */
export interface GrayFrame {
  readonly width: number;
  readonly height: number;
  /** width * height bytes. The camera may reuse this buffer for the next frame. */
  readonly pixels: Uint8Array;
}

/** A source of frames: the board's sensor, a folder of images, a video file. */
export interface Camera {
  /** The next frame, or null once a finite source is exhausted. Rejects on camera failure. */
  read(): Promise<GrayFrame | null>;
  close(): void;
}
