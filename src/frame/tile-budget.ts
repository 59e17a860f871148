/**
 * How many 96x96 tiles fit the per-frame time budget on the board.
 *
 * The only published device timing we have is TensorFlow Lite Micro's
 * person_detect model on an ESP32-S3 with ESP-NN: 54 ms per invoke for
 * 7,157,888 multiply-accumulates. Inference time of these small int8 CNNs
 * scales roughly with their MAC count, so a model's cost is ESTIMATED as
 * 54 ms x (its MACs / 7,157,888). This is an estimate until measured on a
 * board: depthwise/pointwise mixes and memory layout shift it either way.
 *
 * The frame budget is 100 ms (the original product's figure). A share of it
 * is kept for the rest of the pipeline on the board (tiling, decoding,
 * tracking in XS, camera handoff): FRAME_OVERHEAD_MS, also an estimate.
 */
export const PERSON_DETECT_MACS = 7_157_888;
export const PERSON_DETECT_MS_ESP32S3 = 54;
export const FRAME_BUDGET_MS = 100;
export const FRAME_OVERHEAD_MS = 10;

/**
 * The mask model's MAC ceiling set by its issue: under a third of person_detect's.
 * Used for the default budget until the shipped model's MACs are known.
 */
export const MASK_MODEL_MAX_MACS = Math.floor(PERSON_DETECT_MACS / 3);

/** Estimated milliseconds per invoke on an ESP32-S3 with ESP-NN for a model of `macs`. */
export function estimatedInvokeMs(macs: number): number {
  return (PERSON_DETECT_MS_ESP32S3 * macs) / PERSON_DETECT_MACS;
}

/** Tiles per frame that fit the budget for a model of `macs` (at least 1). */
export function tilesWithinBudget(macs: number, budgetMs: number = FRAME_BUDGET_MS, overheadMs: number = FRAME_OVERHEAD_MS): number {
  if (!(macs > 0)) throw new RangeError("tilesWithinBudget: macs must be > 0");
  return Math.max(1, Math.floor((budgetMs - overheadMs) / estimatedInvokeMs(macs)));
}

/**
 * Default per-frame tile budget: a model at the MAC ceiling (2,385,962 MACs)
 * is estimated at 18.0 ms per invoke, so (100 - 10) / 18.0 -> 5 tiles. The
 * first committed mask model (2,177,280 MACs: `npm run bench -- core`) is
 * estimated at 16.4 ms: also 5 tiles. A lighter model earns more tiles: pass
 * its MACs to tilesWithinBudget and set `maxTiles` in the config.
 *
 * What 5 tiles buy (tile-plan.ts): a 4:3 frame at a 192 px short side needs
 * 6 tiles even without overlap, so the plan scales it to 192x144 and covers
 * it with 4 tiles, 2 across without overlap and 2 down overlapping by 48 px
 * (faces come out at 0.75 of their size at 192; one crossing the vertical
 * seam is cut for a few frames, which the tracker's tolerance of missed
 * frames absorbs). A narrower ROI (a doorway) keeps the full scale.
 */
export function defaultMaxTiles(): number {
  return tilesWithinBudget(MASK_MODEL_MAX_MACS);
}
