/**
 * The mask model's layers, as data: training builds the float network from it,
 * the exporter writes the same layers as int8 TFLite operators, and the card's
 * MAC count comes from it. FOMO-style: 96x96x1 in, a 12x12 grid of
 * [background, mask, no_mask] logits out (8-pixel cells), softmax on top.
 */

export type Activation = "relu6" | "none" | "sigmoid";

/**
 * A hidden layer may close a residual block: `residualFrom` is the index of
 * the block's first hidden layer, whose input is added to this layer's output
 * (after its ReLU6; the sum has no activation). Shapes must match.
 */
export interface ConvLayer {
  readonly kind: "conv";
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly activation: Activation;
  readonly residualFrom?: number;
}

export interface DepthwiseLayer {
  readonly kind: "depthwise";
  readonly kernel: number;
  readonly stride: number;
  readonly activation: Activation;
  readonly residualFrom?: number;
}

export type Layer = ConvLayer | DepthwiseLayer;

export interface Architecture {
  readonly name: string;
  readonly inputSize: number;
  /** Hidden layers (all "same" padding), then a 1x1 conv head to `classes` logits per cell. */
  readonly layers: readonly Layer[];
  readonly classes: number;
  /**
   * A second 1x1 conv head on the last hidden layer: face width as a fraction
   * of the tile width (sigmoid), the model's optional outputs[1].
   */
  readonly sizeHead: boolean;
}

export const INPUT_SIZE = 96;
export const GRID_SIZE = 12;
export const CELL_SIZE = INPUT_SIZE / GRID_SIZE;
/** Output channels: background, mask, no_mask. */
export const CLASS_COUNT = 3;

const conv = (filters: number, kernel: number, stride: number): ConvLayer =>
  Object.freeze({ kind: "conv", filters, kernel, stride, activation: "relu6" });
const dw = (kernel: number, stride: number): DepthwiseLayer => Object.freeze({ kind: "depthwise", kernel, stride, activation: "relu6" });

/** Receptive field about 90 px (5x5 depthwise at the grid stage), for faces up to ~60 px. */
export const MASK_FOMO: Architecture = Object.freeze({
  name: "mask-fomo",
  inputSize: INPUT_SIZE,
  classes: CLASS_COUNT,
  sizeHead: true,
  layers: Object.freeze([
    conv(8, 3, 2), // 48x48x8
    dw(3, 2), // 24x24x8
    conv(24, 1, 1),
    dw(3, 1),
    conv(32, 1, 1),
    dw(3, 2), // 12x12x32
    conv(48, 1, 1),
    dw(5, 1),
    conv(48, 1, 1),
    dw(5, 1),
    conv(48, 1, 1),
  ]),
});

/** A tiny network of the same shape for the CI recipe run. */
export const MASK_FOMO_TINY: Architecture = Object.freeze({
  name: "mask-fomo-tiny",
  inputSize: INPUT_SIZE,
  classes: CLASS_COUNT,
  sizeHead: true,
  layers: Object.freeze([conv(4, 3, 2), dw(3, 2), conv(8, 1, 1), dw(3, 2), conv(8, 1, 1)]),
});

export const ARCHITECTURES: Readonly<Record<string, Architecture>> = Object.freeze({
  [MASK_FOMO.name]: MASK_FOMO,
  [MASK_FOMO_TINY.name]: MASK_FOMO_TINY,
});

/**
 * An architecture by name, or written out as hidden layers separated by
 * spaces or commas: `c<filters>[k<kernel>][s<stride>]` is a conv (kernel 1,
 * stride 1 by default), `d<kernel>[s<stride>]` a depthwise conv, and layers
 * in parentheses form a residual block (its input is added to its output);
 * e.g. mask-fomo is "c8k3s2 d3s2 c24 d3 c32 d3s2 c48 d5 c48 d5 c48"; the
 * shipped model's is SHIPPED_RUN.arch in models/cli/recipe.ts.
 * Both heads follow.
 */
export function architectureFrom(nameOrLayers: string): Architecture {
  const named = ARCHITECTURES[nameOrLayers];
  if (named) return named;
  const tokens = nameOrLayers.replace(/([()])/g, " $1 ").split(/[\s,]+/).filter((t) => t.length > 0);
  const layers: Layer[] = [];
  let blockStart = -1;
  for (const token of tokens) {
    if (token === "(") {
      if (blockStart >= 0) throw new Error("architecture: residual blocks do not nest");
      blockStart = layers.length;
      continue;
    }
    if (token === ")") {
      if (blockStart < 0) throw new Error("architecture: \")\" closes no residual block");
      if (blockStart === layers.length) throw new Error("architecture: an empty residual block");
      layers.push(Object.freeze({ ...(layers.pop() as Layer), residualFrom: blockStart }));
      blockStart = -1;
      continue;
    }
    const convMatch = /^c(\d+)(?:k(\d+))?(?:s(\d+))?$/.exec(token);
    const dwMatch = /^d(\d+)(?:s(\d+))?$/.exec(token);
    if (convMatch) layers.push(conv(Number(convMatch[1]), Number(convMatch[2] ?? 1), Number(convMatch[3] ?? 1)));
    else if (dwMatch) layers.push(dw(Number(dwMatch[1]), Number(dwMatch[2] ?? 1)));
    else throw new Error(`architecture: "${token}" is neither a known name (${Object.keys(ARCHITECTURES).join(", ")}) nor a layer like c16k3s2 or d5s2`);
  }
  if (blockStart >= 0) throw new Error("architecture: a residual block is not closed");
  if (layers.length === 0) throw new Error("architecture: no layers");
  const arch: Architecture = Object.freeze({ name: canonicalName(layers), inputSize: INPUT_SIZE, classes: CLASS_COUNT, sizeHead: true, layers: Object.freeze(layers) });
  layerShapes(arch); // throws unless the grid comes out 12x12 and every block keeps its shape
  return arch;
}

/** The layers written out as architectureFrom reads them. */
function canonicalName(layers: readonly Layer[]): string {
  const opens = new Set(layers.flatMap((layer) => (layer.residualFrom === undefined ? [] : [layer.residualFrom])));
  return layers
    .map((layer, i) => {
      const stride = layer.stride > 1 ? `s${layer.stride}` : "";
      const text = layer.kind === "conv" ? `c${layer.filters}${layer.kernel > 1 ? `k${layer.kernel}` : ""}${stride}` : `d${layer.kernel}${stride}`;
      return `${opens.has(i) ? "(" : ""}${text}${layer.residualFrom === undefined ? "" : ")"}`;
    })
    .join(" ");
}

export type LayerRole = "hidden" | "classes" | "size";

/** One layer's shapes and cost, the heads included. */
export interface LayerShape {
  readonly role: LayerRole;
  readonly layer: Layer;
  readonly inSize: number;
  readonly inChannels: number;
  readonly outSize: number;
  readonly outChannels: number;
  /** Multiply-accumulates of one inference. */
  readonly macs: number;
  /** Weights + biases. */
  readonly params: number;
}

function shapeOf(role: LayerRole, layer: Layer, size: number, channels: number): LayerShape {
  const outSize = Math.ceil(size / layer.stride);
  const outChannels = layer.kind === "conv" ? layer.filters : channels;
  const k2 = layer.kernel * layer.kernel;
  const macs = layer.kind === "conv" ? outSize * outSize * outChannels * channels * k2 : outSize * outSize * channels * k2;
  const params = layer.kind === "conv" ? k2 * channels * outChannels + outChannels : k2 * channels + channels;
  return { role, layer, inSize: size, inChannels: channels, outSize, outChannels, macs, params };
}

/**
 * Shapes of every layer: the hidden ones in order, then the class head, then
 * the size head when there is one (both heads read the last hidden layer).
 */
export function layerShapes(arch: Architecture): LayerShape[] {
  const shapes: LayerShape[] = [];
  let size = arch.inputSize;
  let channels = 1;
  for (const layer of arch.layers) {
    const shape = shapeOf("hidden", layer, size, channels);
    if (layer.residualFrom !== undefined) {
      const first = shapes[layer.residualFrom];
      if (!first || first.inSize !== shape.outSize || first.inChannels !== shape.outChannels) {
        throw new Error(`${arch.name}: residual block ${layer.residualFrom}..${shapes.length} turns ${first?.inSize}x${first?.inSize}x${first?.inChannels} into ${shape.outSize}x${shape.outSize}x${shape.outChannels}; a residual block keeps its shape`);
      }
    }
    shapes.push(shape);
    size = shape.outSize;
    channels = shape.outChannels;
  }
  if (size !== GRID_SIZE && arch.inputSize === INPUT_SIZE) throw new Error(`${arch.name}: output grid ${size}, expected ${GRID_SIZE}`);
  shapes.push(shapeOf("classes", { kind: "conv", filters: arch.classes, kernel: 1, stride: 1, activation: "none" }, size, channels));
  if (arch.sizeHead) shapes.push(shapeOf("size", { kind: "conv", filters: 1, kernel: 1, stride: 1, activation: "sigmoid" }, size, channels));
  return shapes;
}

export function totalMacs(arch: Architecture): number {
  return layerShapes(arch).reduce((sum, shape) => sum + shape.macs, 0);
}
