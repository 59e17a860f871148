/** Where the recipe's committed outputs live, relative to the repository root. */
export const MODEL_PATH = "models/mask-model.tflite";
/** The teacher's float weights (`npm run model:recipe -- --teacher`): the shipped model was distilled from them. */
export const TEACHER_PATH = "models/teacher-model.json";
export const C_ARRAY_SYMBOL = "ephemera_mask_model";

/** models/mask-model.tflite -> models/mask-model.c */
export function cArrayPath(tflitePath: string): string {
  return tflitePath.replace(/\.tflite$/, "") + ".c";
}
