import { FlatbufferReader } from "../interpreter/flatbuffer.js";
import { ModelField, QuantizationParametersField, SubGraphField, TensorField } from "../interpreter/schema.js";

/**
 * A copy of a .tflite file in which every rank-1 tensor (a bias) has
 * quantized_dimension 0. Full TensorFlow Lite refuses a per-channel bias whose
 * quantized_dimension is out of its range, as in TensorFlow Lite Micro's
 * person_detect (3); TensorFlow Lite Micro ignores the field. Returns the
 * number of tensors changed with the copy.
 */
export function zeroBiasQuantizedDimension(bytes: Uint8Array): { bytes: Uint8Array; changed: number } {
  const copy = bytes.slice();
  const reader = new FlatbufferReader(copy);
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  const subgraphs = reader.root("model").tables(ModelField.subgraphs, "subgraphs");
  let changed = 0;
  for (let s = 0; s < subgraphs.length; s++) {
    const tensors = subgraphs.at(s).tables(SubGraphField.tensors, "tensors");
    for (let t = 0; t < tensors.length; t++) {
      const tensor = tensors.at(t);
      if (tensor.int32s(TensorField.shape, "shape").length !== 1) continue;
      const quantization = tensor.table(TensorField.quantization, "quantization");
      const position = quantization?.fieldPosition(QuantizationParametersField.quantized_dimension, 4) ?? 0;
      if (position !== 0 && view.getInt32(position, true) !== 0) {
        view.setInt32(position, 0, true);
        changed++;
      }
    }
  }
  return { bytes: copy, changed };
}
