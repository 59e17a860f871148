/**
 * The camera as the provisioning's aiming preview sees it: whichever camera
 * the device app holds at the moment of the request (it reopens the camera
 * after a failure, so the object changes). The app owns the camera: closing
 * this view closes nothing.
 */
import type { Camera, GrayFrame } from "../../src/interfaces/index.js";

export class PreviewCamera implements Camera {
  readonly #current: () => Camera | undefined;

  /** `current` returns the app's camera now, or undefined while it is not running. */
  constructor(current: () => Camera | undefined) {
    this.#current = current;
  }

  read(): Promise<GrayFrame | null> {
    const camera = this.#current();
    if (camera === undefined) return Promise.reject(new Error("camera: not running"));
    return camera.read();
  }

  close(): void {
    // The device app closes the camera it owns.
  }
}
