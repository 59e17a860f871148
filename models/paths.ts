/** Where the recipe's committed outputs live, relative to the repository root. */
export const MODEL_PATH = "models/mask-model.tflite";
export const C_ARRAY_SYMBOL = "ephemera_mask_model";

/** models/mask-model.tflite -> models/mask-model.c */
export function cArrayPath(tflitePath: string): string {
  return tflitePath.replace(/\.tflite$/, "") + ".c";
}
