/** Loss and metric curves of a training run as a PNG (pngjs; no fonts needed). */
import { PNG } from "pngjs";
import { drawText, textWidth } from "./font.js";

export interface Series {
  readonly label: string;
  readonly color: readonly [number, number, number];
  readonly points: readonly (readonly [number, number])[];
}

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
  /** Fixed y range; from the data when absent. */
  readonly yRange?: readonly [number, number];
}

const PANEL_W = 520;
const PANEL_H = 300;
const MARGIN = { left: 56, right: 16, top: 34, bottom: 34 };

class Canvas {
  readonly png: PNG;
  constructor(width: number, height: number) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  set(x: number, y: number, [r, g, b]: readonly [number, number, number]): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.png.width || y >= this.png.height) return;
    const i = (y * this.png.width + x) * 4;
    this.png.data[i] = r;
    this.png.data[i + 1] = g;
    this.png.data[i + 2] = b;
    this.png.data[i + 3] = 255;
  }
  line(x0: number, y0: number, x1: number, y1: number, color: readonly [number, number, number], thick = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let d = 0; d < thick; d++) {
        this.set(x, y + d, color);
        this.set(x + d, y, color);
      }
    }
  }
  text(text: string, x: number, y: number, color: readonly [number, number, number], scale = 2): void {
    drawText(text, x, y, scale, (px, py) => this.set(px, py, color));
  }
}

function niceLabel(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  return abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** Renders panels side by side (two per row) into PNG bytes. */
export function renderCurves(panels: readonly Panel[]): Buffer {
  const columns = Math.min(2, panels.length);
  const rows = Math.ceil(panels.length / columns);
  const canvas = new Canvas(columns * PANEL_W, rows * PANEL_H);
  const grey: [number, number, number] = [180, 180, 180];
  const black: [number, number, number] = [30, 30, 30];
  panels.forEach((panel, index) => {
    const ox = (index % columns) * PANEL_W;
    const oy = Math.floor(index / columns) * PANEL_H;
    const plotW = PANEL_W - MARGIN.left - MARGIN.right;
    const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
    const all = panel.series.flatMap((s) => s.points);
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]).filter(Number.isFinite);
    const xMin = xs.length ? Math.min(...xs) : 0;
    const xMax = xs.length ? Math.max(...xs, xMin + 1) : 1;
    const [yMin, yTop] = panel.yRange ?? [ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1];
    const yMax = yTop > yMin ? yTop : yMin + 1;
    const px = (x: number): number => ox + MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
    const py = (y: number): number => oy + MARGIN.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
    canvas.text(panel.title, ox + MARGIN.left, oy + 8, black);
    for (let t = 0; t <= 4; t++) {
      const y = yMin + ((yMax - yMin) * t) / 4;
      canvas.line(px(xMin), py(y), px(xMax), py(y), grey);
      const label = niceLabel(y);
      canvas.text(label, ox + MARGIN.left - 6 - textWidth(label, 2), py(y) - 5, black);
    }
    // Whole epochs on the x axis: at most about 8 labels.
    const step = Math.max(1, Math.ceil((xMax - xMin) / 8));
    for (let x = Math.ceil(xMin); x <= xMax; x += step) {
      const label = String(x);
      canvas.text(label, px(x) - textWidth(label, 2) / 2, oy + MARGIN.top + plotH + 8, black);
    }
    canvas.text("EPOCH", ox + PANEL_W - MARGIN.right - textWidth("EPOCH", 2), oy + PANEL_H - 14, black);
    canvas.line(px(xMin), py(yMin), px(xMin), py(yMax), black);
    canvas.line(px(xMin), py(yMin), px(xMax), py(yMin), black);
    let legendX = ox + MARGIN.left + textWidth(panel.title, 2) + 20;
    for (const series of panel.series) {
      for (let i = 1; i < series.points.length; i++) {
        const [x0, y0] = series.points[i - 1];
        const [x1, y1] = series.points[i];
        if (Number.isFinite(y0) && Number.isFinite(y1)) canvas.line(px(x0), py(y0), px(x1), py(y1), series.color, 2);
      }
      for (const [x, y] of series.points) if (Number.isFinite(y)) canvas.line(px(x) - 2, py(y), px(x) + 2, py(y), series.color, 2);
      canvas.line(legendX, oy + 12, legendX + 14, oy + 12, series.color, 3);
      canvas.text(series.label, legendX + 18, oy + 8, series.color);
      legendX += 18 + textWidth(series.label, 2) + 16;
    }
  });
  return PNG.sync.write(canvas.png);
}
