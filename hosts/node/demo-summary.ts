import type { EphemeraStats } from "../../src/app/api.js";
import type { BatchRecord } from "../../src/batch/record.js";
import type { TruthSummary } from "./voc-truth.js";

/** The demo's summary: `--json` prints exactly this object. */
export interface DemoSummary {
  readonly source: string;
  readonly model_id: string;
  readonly frames: number;
  readonly tiles: number;
  readonly fps: number;
  readonly camera_seconds: number;
  readonly images_shown: number;
  readonly images_skipped: number;
  readonly people_counted: number;
  /** Labelled faces of the shown images; null without labels for every image. */
  readonly people_true: number | null;
  readonly masked_share: number | null;
  readonly masked_share_true: number | null;
  readonly window_minutes: number;
  readonly windows_released: number;
  readonly windows_merged: number;
  /** People counted but not yet released (a window under the threshold, carried on). */
  readonly people_pending: number;
  readonly batches_sent: number;
  readonly batches_acknowledged: number;
  readonly batches_queued: number;
  readonly batches_parked: number;
  readonly failed_attempts: number;
  readonly batches_in_collector: number;
  /** The batches the collector holds for the demo's site. */
  readonly batches: readonly Pick<BatchRecord, "batch_id" | "window_start" | "window_end" | "people" | "masked" | "unmasked">[];
  readonly wall_seconds: number;
  readonly ms_per_frame: number;
}

export interface SummaryInput {
  readonly source: string;
  readonly modelId: string;
  readonly fps: number;
  readonly stats: EphemeraStats;
  readonly truth: TruthSummary;
  readonly imagesShown: number;
  readonly imagesSkipped: number;
  readonly windowMinutes: number;
  readonly collectorBatches: readonly BatchRecord[];
  readonly wallMs: number;
  /** Real time spent in the frame loop only. */
  readonly frameLoopMs: number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function buildSummary(input: SummaryInput): DemoSummary {
  const { stats, truth } = input;
  return {
    source: input.source,
    model_id: input.modelId,
    frames: stats.frames,
    tiles: stats.tiles,
    fps: input.fps,
    camera_seconds: round(stats.frames / input.fps, 1),
    images_shown: input.imagesShown,
    images_skipped: input.imagesSkipped,
    people_counted: stats.peopleCounted,
    people_true: truth.peopleTrue,
    masked_share: stats.peopleCounted > 0 ? round(stats.masked / stats.peopleCounted, 4) : null,
    masked_share_true: truth.maskedShareTrue === null ? null : round(truth.maskedShareTrue, 4),
    window_minutes: input.windowMinutes,
    windows_released: stats.windowsReleased,
    windows_merged: stats.windowsMerged,
    people_pending: stats.peoplePending,
    batches_sent: stats.batchesSent,
    batches_acknowledged: stats.batchesAcknowledged,
    batches_queued: stats.batchesQueued,
    batches_parked: stats.batchesParked,
    failed_attempts: stats.failedAttempts,
    batches_in_collector: input.collectorBatches.length,
    batches: input.collectorBatches.map(({ batch_id, window_start, window_end, people, masked, unmasked }) => ({ batch_id, window_start, window_end, people, masked, unmasked })),
    wall_seconds: round(input.wallMs / 1000, 1),
    ms_per_frame: stats.frames > 0 ? round(input.frameLoopMs / stats.frames, 1) : 0,
  };
}

/** True when every released batch reached the collector exactly once. */
export function fullyDelivered(summary: DemoSummary): boolean {
  return summary.batches_acknowledged === summary.batches_sent && summary.batches_sent === summary.batches_in_collector && summary.batches_queued === 0;
}

const percent = (share: number | null): string => (share === null ? "n/a" : `${(share * 100).toFixed(1)}%`);

/** The summary for people. */
export function formatSummary(summary: DemoSummary): string {
  const truthPeople = summary.people_true === null ? "" : ` (labelled: ${summary.people_true})`;
  const truthShare = summary.masked_share_true === null ? "" : ` (labelled: ${percent(summary.masked_share_true)})`;
  const minutes = (summary.camera_seconds / 60).toFixed(1);
  const lines = [
    `Ephemera demo: ${summary.source}`,
    `  camera          ${summary.frames} frames at ${summary.fps} fps = ${minutes} min of camera time, ${summary.images_shown} images shown, ${summary.images_skipped} skipped`,
    `  model           ${summary.model_id}, ${summary.tiles} tiles, ${summary.ms_per_frame} ms a frame on this machine`,
    `  people counted  ${summary.people_counted}${truthPeople}`,
    `  masked share    ${percent(summary.masked_share)}${truthShare}`,
    `  windows         ${summary.window_minutes} min: ${summary.windows_released} released, ${summary.windows_merged} merged into the next, ${summary.people_pending} people pending`,
    `  batches         ${summary.batches_sent} sent, ${summary.batches_acknowledged} acknowledged, ${summary.batches_in_collector} in the collector` +
      (summary.failed_attempts > 0 ? `, ${summary.failed_attempts} failed attempts` : ""),
    ...summary.batches.map((batch) => `    ${batch.window_start} .. ${batch.window_end}  people ${batch.people}  masked ${batch.masked}  unmasked ${batch.unmasked}`),
    `  wall time       ${summary.wall_seconds} s`,
  ];
  return lines.join("\n");
}
