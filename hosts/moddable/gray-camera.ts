/**
 * The board's camera as 8-bit grayscale frames (ECMA-419
 * embedded:io/image/in/camera on esp32-camera). Each frame is copied into one
 * buffer that this object owns and reuses: nothing is allocated per frame, and
 * the core wipes that buffer after its last tile. The driver's own frame
 * buffers (in PSRAM) are overwritten by the next captures; they never leave
 * the driver.
 */
import Camera from "embedded:io/image/in/camera";
import Timer from "timer";
import type { Camera as FrameSource, GrayFrame } from "../../src/interfaces/index.js";
import type { FrameSize } from "./frame-size.js";

/** Commodetto's Bitmap.Monochrome: the SDK's esp32 camera maps it to esp32-camera's 8-bit GRAYSCALE. */
export const GRAYSCALE_IMAGE_TYPE = 3;

export interface GrayCameraOptions {
  readonly size: FrameSize;
  /** A read() with no frame for this long rejects (camera failure or stall). */
  readonly timeoutMs?: number;
}

export class GrayCamera implements FrameSource {
  readonly #camera: Camera;
  readonly #frame: GrayFrame;
  readonly #timeoutMs: number;
  #closed = false;

  /** Throws the driver's reason ("camera init failed", "unsupported dimensions") when the sensor cannot start. */
  constructor(options: GrayCameraOptions) {
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    const camera = new Camera({ width: options.size.width, height: options.size.height, imageType: GRAYSCALE_IMAGE_TYPE, format: "buffer" });
    try {
      // The driver reports the sensor mode it chose, at least the size asked for.
      const { width, height } = camera;
      this.#frame = Object.freeze({ width, height, pixels: new Uint8Array(width * height) });
      camera.start();
    } catch (error) {
      camera.close();
      throw error;
    }
    this.#camera = camera;
  }

  get width(): number {
    return this.#frame.width;
  }

  get height(): number {
    return this.#frame.height;
  }

  /**
   * The next ready frame copied into the reused buffer, or undefined when none
   * is ready yet. Throws when the driver hands over a frame that is not 8-bit
   * gray of the expected size.
   */
  grab(): GrayFrame | undefined {
    if (this.#closed) throw new Error("camera: closed");
    const bytes = this.#camera.read(this.#frame.pixels);
    if (bytes === undefined) return undefined;
    if (bytes !== this.#frame.pixels.length) throw new Error(`camera: frame of ${String(bytes)} bytes, expected ${this.#frame.pixels.length} (8-bit gray ${this.#frame.width}x${this.#frame.height})`);
    return this.#frame;
  }

  /** The Camera interface: polls grab() every 10 ms; rejects after the timeout. */
  read(): Promise<GrayFrame | null> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = (): void => {
        try {
          const frame = this.grab();
          if (frame !== undefined) resolve(frame);
          else if (Date.now() - started > this.#timeoutMs) reject(new Error(`camera: no frame within ${this.#timeoutMs} ms`));
          else Timer.set(poll, 10);
        } catch (error) {
          reject(error);
        }
      };
      poll();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#frame.pixels.fill(0);
    try {
      this.#camera.stop();
    } finally {
      this.#camera.close();
    }
  }
}
