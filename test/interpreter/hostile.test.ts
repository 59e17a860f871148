import { strict as assert } from "node:assert";
import { loadModel, ModelFormatError } from "../../hosts/node/interpreter/index.js";
import { parseModel } from "../../hosts/node/interpreter/parse.js";
import { BuiltinOperator, BuiltinOptions, Conv2DOptionsField, Padding, TensorType } from "../../hosts/node/interpreter/schema.js";
import { personDetect } from "./person-detect.js";
import { Random } from "./random.js";
import { singleOpModel } from "./single-op.js";
import { buildModel, type TensorDef } from "./tflite-builder.js";

/** Loads and, when that succeeds, runs; any failure must be a ModelFormatError. Returns the error message or "ok". */
function attempt(bytes: Uint8Array): string {
  try {
    const model = loadModel(bytes, { maxMemoryBytes: 64 * 1024 * 1024, maxOperations: 1e8 });
    for (const tensor of model.inputTensors) tensor.fill(1);
    model.run();
    return "ok";
  } catch (error) {
    if (error instanceof ModelFormatError) return error.message;
    throw error;
  }
}

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => loadModel(bytes), (error: unknown) => error instanceof ModelFormatError && pattern.test(error.message));
}

function xorshift(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

const conv = (input: number, filter: number, output: number) => ({
  code: BuiltinOperator.CONV_2D,
  inputs: [input, filter],
  outputs: [output],
  options: {
    type: BuiltinOptions.Conv2DOptions,
    fields: [
      [Conv2DOptionsField.padding, "int8", Padding.SAME],
      [Conv2DOptionsField.stride_w, "int32", 1],
      [Conv2DOptionsField.stride_h, "int32", 1],
    ] as const,
  },
});

const activation = (shape: number[]): TensorDef => ({ shape, scale: 0.5, zeroPoint: 0 });
const filter: TensorDef = { shape: [2, 1, 1, 2], scale: [0.5, 0.5], zeroPoint: [0, 0], data: Int8Array.of(1, 2, 3, 4) };

/** A small valid model (two convolutions) to mutate. */
function smallModel(): Uint8Array {
  return buildModel({
    tensors: [activation([1, 4, 4, 2]), filter, activation([1, 4, 4, 2]), activation([1, 4, 4, 2])],
    operators: [conv(0, 1, 2), conv(2, 1, 3)],
    inputs: [0],
    outputs: [3],
  });
}

describe("interpreter on hostile files", () => {
  it("runs the unmutated small model", () => {
    assert.equal(attempt(smallModel()), "ok");
  });

  it("refuses files that are not .tflite", () => {
    refuses(new Uint8Array(0), /not a \.tflite file/);
    refuses(new Uint8Array(7), /not a \.tflite file/);
    refuses(new TextEncoder().encode("hello, this is not a model at all"), /file identifier/);
  });

  it("refuses offsets that point outside the file", () => {
    const bytes = smallModel();
    new DataView(bytes.buffer).setUint32(0, 0xfffffff0, true);
    refuses(bytes, /outside the file/);
  });

  it("refuses every truncation of person_detect without crashing", () => {
    const whole = personDetect.model();
    for (let length = 0; length < whole.length; length += 1499) {
      const message = attempt(whole.slice(0, length));
      assert.notEqual(message, "ok", `truncated to ${length} bytes`);
    }
  });

  it("refuses huge shapes without allocating them", () => {
    const bytes = singleOpModel({ code: BuiltinOperator.RESHAPE, inputs: [{ shape: [65536, 65536, 4096], scale: 1 }], output: { shape: [1 << 30], scale: 1 } });
    refuses(bytes, /exceeds the limit of \d+ bytes per tensor/);
    refuses(singleOpModel({ code: BuiltinOperator.RESHAPE, inputs: [{ shape: [2, -3], scale: 1 }], output: { shape: [6], scale: 1 } }), /dimension -3/);
  });

  it("caps the arena and the work per invoke", () => {
    const bytes = singleOpModel({ code: BuiltinOperator.RESHAPE, inputs: [{ shape: [1024, 1024], scale: 1 }], output: { shape: [1024 * 1024], scale: 1 } });
    assert.throws(() => loadModel(bytes, { maxArenaBytes: 1024 * 1024 }), /arena needs \d+ bytes, over the limit/);
    assert.throws(() => loadModel(bytes, { maxOperations: 1000 }), /operations per invoke, over the limit/);
  });

  it("refuses cycles and tensors read before they are written", () => {
    const bytes = buildModel({
      tensors: [activation([1, 4, 4, 2]), filter, activation([1, 4, 4, 2]), activation([1, 4, 4, 2])],
      operators: [conv(3, 1, 2), conv(2, 1, 3)],
      inputs: [0],
      outputs: [3],
    });
    refuses(bytes, /reads tensor 3 before any operator writes it/);
  });

  it("refuses a tensor written twice, a written constant, and bad indices", () => {
    const tensors = [activation([1, 4, 4, 2]), filter, activation([1, 4, 4, 2])];
    refuses(buildModel({ tensors, operators: [conv(0, 1, 2), conv(0, 1, 2)], inputs: [0], outputs: [2] }), /already wrote/);
    refuses(buildModel({ tensors, operators: [conv(0, 1, 1)], inputs: [0], outputs: [2] }), /constant/);
    refuses(buildModel({ tensors, operators: [conv(0, 9, 2)], inputs: [0], outputs: [2] }), /tensor index 9 out of range/);
    refuses(buildModel({ tensors, operators: [conv(0, 1, 2)], inputs: [0], outputs: [7] }), /tensor index 7 out of range/);
    refuses(buildModel({ tensors, operators: [conv(0, 1, 2)], inputs: [0], outputs: [0, 2].slice(1).concat([1]) }), /constant/);
  });

  it("names unsupported operators and tensor types", () => {
    refuses(singleOpModel({ code: BuiltinOperator.TANH, inputs: [{ shape: [4], scale: 1 }], output: { shape: [4], scale: 1 } }), /TANH is not supported/);
    refuses(
      buildModel({ tensors: [activation([4]), activation([4])], operators: [{ code: BuiltinOperator.CUSTOM, customCode: "TFLite_Detection_PostProcess", inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] }),
      /CUSTOM\(TFLite_Detection_PostProcess\) is not supported/,
    );
    refuses(singleOpModel({ code: BuiltinOperator.RESHAPE, inputs: [{ shape: [4], type: TensorType.INT16, scale: 1 }], output: { shape: [4], type: TensorType.INT16, scale: 1 } }), /type INT16 is not supported/);
    refuses(singleOpModel({ code: BuiltinOperator.RESHAPE, inputs: [{ shape: [4], type: TensorType.UINT8, scale: 1 }], output: { shape: [4], scale: 1 } }), /type UINT8 is not supported/);
    refuses(buildModel({ tensors: [activation([4])], operators: [], inputs: [0], outputs: [0], version: 2 }), /schema version 2/);
  });

  it("survives 3000 random mutations of a small model (deterministic seed)", () => {
    const original = smallModel();
    const random = xorshift(20240601);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const bytes = original.slice();
      const flips = 1 + (random() % 4);
      for (let f = 0; f < flips; f++) bytes[random() % bytes.length] = random() & 0xff;
      const result = attempt(random() % 10 === 0 ? bytes.slice(0, random() % bytes.length) : bytes);
      const kind = result === "ok" ? "ok" : "refused";
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    }
    // Both outcomes occur: mutations of weights still load, mutations of structure are refused.
    assert.ok((outcomes.get("ok") ?? 0) > 0 && (outcomes.get("refused") ?? 0) > 0, JSON.stringify([...outcomes]));
  });

  it("survives 300 random mutations of person_detect's non-weight bytes", () => {
    const original = personDetect.model();
    const random = xorshift(7);
    // Mutate outside the constant buffers, where a change reaches the flatbuffer reader.
    const weights = parseModel(original, { maxTensorBytes: 1 << 24, maxRank: 6, maxTensors: 1 << 16, maxOperators: 1 << 16 })
      .tensors.filter((tensor) => tensor.data !== null)
      .map((tensor) => [tensor.data?.byteOffset ?? 0, (tensor.data?.byteOffset ?? 0) + tensor.elements * (tensor.type === TensorType.INT8 ? 1 : 4)]);
    const structure = Array.from({ length: original.length }, (_, i) => i).filter((i) => !weights.some(([start, end]) => i >= start && i < end));
    assert.ok(structure.length > 10000);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = original.slice();
      bytes[structure[random() % structure.length]] = random() & 0xff;
      if (attempt(bytes) !== "ok") refused++;
    }
    assert.ok(refused > 0 && refused < 300, `${refused} of 300 refused`);
  });
});
