/*
 * "embedded:io/image/in/camera" (ECMA-419 image input), which the SDK ships
 * without typings. Written from its ESP32 implementation
 * (modules/io/imagein/camera/esp32/camera.js and camera.c, esp32-camera):
 * - options: width and height (default 240x176; the sensor mode used is the
 *   smallest of esp32-camera's frame sizes that holds them), imageType (a
 *   Commodetto bitmap type number, or "jpeg"; 3, Bitmap.Monochrome, selects
 *   esp32-camera's 8-bit GRAYSCALE), format ("buffer", the default, or
 *   "buffer/disposable"), onReadable(count) called when a frame is ready.
 * - read(buffer?) in "buffer" format copies the oldest ready frame into
 *   `buffer` and returns its byte length (RangeError "buffer too small"), or
 *   returns a new ArrayBuffer without one; undefined when no frame is ready.
 * - The constructor throws "camera init failed", "unsupported dimensions" or
 *   "unsupported pixel format". Capture runs between start() and stop().
 */
declare module "embedded:io/image/in/camera" {
  export interface CameraOptions {
    width?: number;
    height?: number;
    imageType?: number | "jpeg";
    format?: "buffer" | "buffer/disposable";
    onReadable?: (this: Camera, count: number) => void;
  }

  export interface CameraConfiguration {
    brightness?: number;
    contrast?: number;
    saturation?: number;
    sharpness?: number;
    denoise?: number;
    whiteBalance?: number;
  }

  export default class Camera {
    constructor(options: CameraOptions);
    close(): void;
    read(buffer?: ArrayBufferLike | ArrayBufferView): number | ArrayBuffer | undefined;
    start(): void;
    stop(): void;
    format: "buffer" | "buffer/disposable";
    readonly imageType: number | "jpeg";
    /** The sensor mode's size, known once the first frame was captured (in the constructor). */
    readonly width: number;
    readonly height: number;
    readonly identification: { readonly model: string };
    readonly configuration: CameraConfiguration;
    configure(options: CameraConfiguration): void;
  }
}
