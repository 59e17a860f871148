/** The float network of an Architecture in tfjs ops, and its weights as plain data. */
import * as tf from "@tensorflow/tfjs";
import { type Architecture, type LayerShape, layerShapes } from "./architecture.js";
import { biasRelu6 } from "./wasm-kernels.js";

/** One layer's float parameters. conv: [k, k, in, out]; depthwise: [k, k, channels, 1]. */
export interface LayerWeights {
  readonly kernelShape: readonly number[];
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

/** Everything needed to rebuild the float model: what `train` saves and `export` reads. */
export interface FloatModel {
  readonly architecture: Architecture;
  readonly layers: readonly LayerWeights[];
}

export class Network {
  readonly architecture: Architecture;
  readonly shapes: readonly LayerShape[];
  readonly kernels: tf.Variable<tf.Rank.R4>[];
  readonly biases: tf.Variable<tf.Rank.R1>[];

  constructor(architecture: Architecture, kernels: tf.Variable<tf.Rank.R4>[], biases: tf.Variable<tf.Rank.R1>[]) {
    this.architecture = architecture;
    this.shapes = layerShapes(architecture);
    this.kernels = kernels;
    this.biases = biases;
  }

  /**
   * He-initialised (uniform, fan-in), biases zero except the class head's,
   * which start at the class prior so that early training is not swamped by
   * background cells, and the size head's (a typical face, 1/6 of the tile).
   */
  static create(architecture: Architecture, seed: number, headPrior: readonly number[]): Network {
    const shapes = layerShapes(architecture);
    const kernels: tf.Variable<tf.Rank.R4>[] = [];
    const biases: tf.Variable<tf.Rank.R1>[] = [];
    shapes.forEach((shape, i) => {
      const kernelShape = kernelShapeOf(shape);
      const fanIn = shape.layer.kernel * shape.layer.kernel * (shape.layer.kind === "conv" ? shape.inChannels : 1);
      const limit = Math.sqrt(6 / fanIn) * (shape.role === "hidden" ? 1 : 0.1);
      kernels.push(tf.variable(tf.randomUniform(kernelShape, -limit, limit, "float32", seed + i), true));
      const bias =
        shape.role === "classes"
          ? tf.tensor1d(headPrior.map((p) => Math.log(p)))
          : shape.role === "size"
            ? tf.tensor1d([Math.log(1 / 5)])
            : tf.zeros([shape.outChannels]);
      biases.push(tf.variable(bias as tf.Tensor1D, true));
    });
    return new Network(architecture, kernels, biases);
  }

  static fromWeights(model: FloatModel): Network {
    const shapes = layerShapes(model.architecture);
    if (shapes.length !== model.layers.length) throw new Error(`weights have ${model.layers.length} layers, architecture ${shapes.length}`);
    const kernels = model.layers.map((layer, i) => {
      const expected = kernelShapeOf(shapes[i]);
      if (expected.join() !== layer.kernelShape.join()) throw new Error(`layer ${i}: kernel ${layer.kernelShape} != ${expected}`);
      return tf.variable(tf.tensor4d(layer.kernel, expected), true);
    });
    const biases = model.layers.map((layer) => tf.variable(tf.tensor1d(layer.bias), true));
    return new Network(model.architecture, kernels, biases);
  }

  get variables(): tf.Variable[] {
    return [...this.kernels, ...this.biases];
  }

  /** Class logits [batch, 12, 12, classes] for inputs [batch, 96, 96, 1] holding pixel / 255. */
  logits(input: tf.Tensor4D): tf.Tensor4D {
    return this.heads(input).logits;
  }

  /** Class logits and, with a size head, face widths as fractions of the tile ([batch, 12, 12, 1], after the sigmoid). */
  heads(input: tf.Tensor4D): { logits: tf.Tensor4D; sizes: tf.Tensor4D | null } {
    const outputs = this.activations(input);
    const classes = this.shapes.findIndex((s) => s.role === "classes");
    const size = this.shapes.findIndex((s) => s.role === "size");
    return { logits: outputs[classes], sizes: size >= 0 ? tf.sigmoid(outputs[size]) : null };
  }

  /**
   * Every layer's output in layerShapes order: hidden layers after their
   * activation (and after the residual sum, for a layer that closes a block),
   * heads before any (class logits; size logits before the sigmoid).
   */
  activations(input: tf.Tensor4D): tf.Tensor4D[] {
    const outputs: tf.Tensor4D[] = [];
    const hiddenInputs: tf.Tensor4D[] = [];
    let hidden = input;
    this.shapes.forEach((shape, i) => {
      const { layer } = shape;
      if (shape.role === "hidden") hiddenInputs.push(hidden);
      const y =
        layer.kind === "conv"
          ? tf.conv2d(hidden, this.kernels[i], layer.stride, "same")
          : tf.depthwiseConv2d(hidden, this.kernels[i], layer.stride, "same");
      let out = layer.activation === "relu6" ? biasRelu6(y, this.biases[i]) : (tf.add(y, this.biases[i]) as tf.Tensor4D);
      if (layer.residualFrom !== undefined) out = tf.add(out, hiddenInputs[layer.residualFrom]);
      if (shape.role === "hidden") hidden = out;
      outputs.push(out);
    });
    return outputs;
  }

  weights(): FloatModel {
    return {
      architecture: this.architecture,
      layers: this.kernels.map((kernel, i) => ({
        kernelShape: kernel.shape,
        kernel: kernel.dataSync() as Float32Array,
        bias: this.biases[i].dataSync() as Float32Array,
      })),
    };
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export function kernelShapeOf(shape: LayerShape): [number, number, number, number] {
  const k = shape.layer.kernel;
  return shape.layer.kind === "conv" ? [k, k, shape.inChannels, shape.outChannels] : [k, k, shape.inChannels, 1];
}

/** JSON form of a FloatModel (arrays of numbers; float32 values survive the round trip). */
export function floatModelToJson(model: FloatModel): string {
  return JSON.stringify({
    architecture: model.architecture,
    layers: model.layers.map((layer) => ({ kernelShape: layer.kernelShape, kernel: Array.from(layer.kernel), bias: Array.from(layer.bias) })),
  });
}

export function floatModelFromJson(text: string, source: string): FloatModel {
  let parsed: { architecture: Architecture; layers: { kernelShape: number[]; kernel: number[]; bias: number[] }[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new Error(`${source}: not a float model (JSON): ${String(error)}`, { cause: error });
  }
  if (!parsed.architecture || !Array.isArray(parsed.layers)) throw new Error(`${source}: not a float model`);
  return {
    architecture: parsed.architecture,
    layers: parsed.layers.map((layer) => ({
      kernelShape: layer.kernelShape,
      kernel: Float32Array.from(layer.kernel),
      bias: Float32Array.from(layer.bias),
    })),
  };
}
