import type { PreviewImage, RoiFractions } from "../src/provision/vendor-codec.js";

/** Smallest ROI side, as a fraction of the frame: a click is not a region. */
const MIN_SIDE = 0.05;

/**
 * Shows the preview on a canvas and lets the installer drag a rectangle on it:
 * the region of interest, in fractions of the frame.
 */
export class RoiEditor {
  #canvas: HTMLCanvasElement;
  #context: CanvasRenderingContext2D;
  #image: ImageData | undefined;
  #roi: RoiFractions | undefined;
  #dragFrom: { x: number; y: number } | undefined;
  #onChange: (roi: RoiFractions | undefined) => void;

  constructor(canvas: HTMLCanvasElement, onChange: (roi: RoiFractions | undefined) => void) {
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("canvas 2D is unavailable");
    this.#canvas = canvas;
    this.#context = context;
    this.#onChange = onChange;
    canvas.addEventListener("pointerdown", (event) => {
      if (this.#image === undefined) return;
      canvas.setPointerCapture(event.pointerId);
      this.#dragFrom = this.#fraction(event);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (this.#dragFrom !== undefined) this.#draw(rectangle(this.#dragFrom, this.#fraction(event)));
    });
    canvas.addEventListener("pointerup", (event) => {
      if (this.#dragFrom === undefined) return;
      const roi = rectangle(this.#dragFrom, this.#fraction(event));
      this.#dragFrom = undefined;
      if (roi.width >= MIN_SIDE && roi.height >= MIN_SIDE) this.#roi = roi;
      this.#draw(this.#roi);
      this.#onChange(this.#roi);
    });
  }

  get roi(): RoiFractions | undefined {
    return this.#roi;
  }

  clear(): void {
    this.#roi = undefined;
    this.#draw(undefined);
    this.#onChange(undefined);
  }

  show(image: PreviewImage): void {
    const data = new ImageData(image.width, image.height);
    for (let i = 0; i < image.pixels.length; i++) {
      const value = image.pixels[i];
      data.data[i * 4] = value;
      data.data[i * 4 + 1] = value;
      data.data[i * 4 + 2] = value;
      data.data[i * 4 + 3] = 255;
    }
    this.#image = data;
    this.#canvas.height = Math.round((this.#canvas.width * image.height) / image.width);
    this.#draw(this.#roi);
  }

  #fraction(event: PointerEvent): { x: number; y: number } {
    const box = this.#canvas.getBoundingClientRect();
    return { x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) };
  }

  #draw(roi: RoiFractions | undefined): void {
    const { width, height } = this.#canvas;
    const context = this.#context;
    context.clearRect(0, 0, width, height);
    if (this.#image !== undefined) {
      const small = document.createElement("canvas");
      small.width = this.#image.width;
      small.height = this.#image.height;
      small.getContext("2d")?.putImageData(this.#image, 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(small, 0, 0, width, height);
    }
    if (roi !== undefined) {
      context.fillStyle = "rgba(0, 0, 0, 0.45)";
      context.fillRect(0, 0, width, height);
      if (this.#image !== undefined) {
        const sx = this.#image.width / width;
        const sy = this.#image.height / height;
        const small = document.createElement("canvas");
        small.width = this.#image.width;
        small.height = this.#image.height;
        small.getContext("2d")?.putImageData(this.#image, 0, 0);
        context.drawImage(small, roi.x * width * sx, roi.y * height * sy, roi.width * width * sx, roi.height * height * sy, roi.x * width, roi.y * height, roi.width * width, roi.height * height);
      }
      context.strokeStyle = "#ffcc00";
      context.lineWidth = 2;
      context.strokeRect(roi.x * width, roi.y * height, roi.width * width, roi.height * height);
    }
  }
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function rectangle(a: { x: number; y: number }, b: { x: number; y: number }): RoiFractions {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  const x = round(Math.min(a.x, b.x));
  const y = round(Math.min(a.y, b.y));
  return { x, y, width: round(Math.min(1 - x, Math.abs(a.x - b.x))), height: round(Math.min(1 - y, Math.abs(a.y - b.y))) };
}
