/** Affine int8 quantization: real = scale * (q - zeroPoint). */
export interface Quantization {
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface TensorSpec extends Quantization {
  /** e.g. [1, 96, 96, 1]. */
  readonly shape: readonly number[];
}

/**
 * An int8 model: TensorFlow Lite Micro on the board, the AssemblyScript
 * interpreter on the desktop. Both give bit-identical outputs.
 *
 * Output contract of the mask model (decoded by src/detect):
 * - outputs[0]: [1, G, G, 3], per-cell class probabilities after softmax,
 *   channels [background, mask, no_mask];
 * - outputs[1], when present: [1, G, G, 1], face width as a fraction of the
 *   input tile's width.
 */
export interface Model {
  /** Identifies the exact model bytes, e.g. "mask-fomo@1a2b3c4d5e6f". Goes into batches. */
  readonly id: string;
  readonly input: TensorSpec;
  readonly outputs: readonly TensorSpec[];
  /**
   * Runs one inference on an int8 tensor of the input's size. Returns views of
   * the int8 outputs that stay valid until the next call (no allocation per call).
   */
  invoke(input: Int8Array): readonly Int8Array[];
}
