/** The metrics of several detectors side by side, as a text table. */
import { type Metrics, type PrecisionRecall, SIZE_BANDS } from "./protocol.js";

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const prf = (p: PrecisionRecall): string[] => [pct(p.precision), pct(p.recall), pct(p.f1)];

export function metricsTable(metrics: Readonly<Record<string, Metrics>>): string {
  const names = Object.keys(metrics);
  const rows: [string, (m: Metrics) => string][] = [
    ["photos", (m) => String(m.photos)],
    ["faces (>= 8 px at 192)", (m) => String(m.faces)],
    ["ignored faces (< 8 px)", (m) => String(m.ignoredFaces)],
    ["face precision", (m) => prf(m.face)[0]],
    ["face recall", (m) => prf(m.face)[1]],
    ["face F1", (m) => prf(m.face)[2]],
    ["mask precision", (m) => prf(m.mask)[0]],
    ["mask recall", (m) => prf(m.mask)[1]],
    ["mask F1", (m) => prf(m.mask)[2]],
    ["no_mask precision", (m) => prf(m.noMask)[0]],
    ["no_mask recall", (m) => prf(m.noMask)[1]],
    ["no_mask F1", (m) => prf(m.noMask)[2]],
    ["mask accuracy (matched)", (m) => pct(m.maskAccuracy)],
    ["count MAE per photo", (m) => m.countMae.toFixed(2)],
    ["masked share true", (m) => `${m.maskedShareTrue.toFixed(1)}%`],
    ["masked share predicted", (m) => `${m.maskedSharePredicted.toFixed(1)}%`],
    ["masked share error (pp)", (m) => m.maskedShareError.toFixed(1)],
    ...SIZE_BANDS.map(([from, to], i): [string, (m: Metrics) => string] => [
      `recall, faces ${from}${to === Infinity ? "+" : `-${to}`} px at 192`,
      (m) => {
        const band = m.recallBySize[i];
        return band && band.faces > 0 ? `${pct(band.found / band.faces)} of ${band.faces}` : "-";
      },
    ]),
  ];
  const table = [["metric", ...names], ...rows.map(([label, f]) => [label, ...names.map((n) => f(metrics[n]))])];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")).join("\n");
}
