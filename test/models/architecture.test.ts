import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { architectureFrom, layerShapes, totalMacs } from "../../models/train/architecture.js";
import { Network } from "../../models/train/network.js";

describe("models/train: architectures written out", () => {
  it("reads convs, depthwise convs and residual blocks, and writes the same text back as the name", () => {
    const arch = architectureFrom("c8k3s2, d3s2 c16 ( d3 c16 ) d3s2 (d3 c16k1)");
    assert.equal(arch.name, "c8k3s2 d3s2 c16 (d3 c16) d3s2 (d3 c16)");
    assert.deepEqual(
      arch.layers.map((layer) => layer.residualFrom),
      [undefined, undefined, undefined, undefined, 3, undefined, undefined, 6],
    );
    assert.equal(architectureFrom(arch.name).name, arch.name);
  });

  it("counts no MACs for a residual sum: a block costs what its layers cost", () => {
    assert.equal(totalMacs(architectureFrom("c8k3s2 d3s2 c16 (d3 c16) d3s2 (d3 c16)")), totalMacs(architectureFrom("c8k3s2 d3s2 c16 d3 c16 d3s2 d3 c16")));
  });

  it("refuses blocks that change the shape, nest, stay open, close nothing or hold nothing", () => {
    assert.throws(() => architectureFrom("c8k3s2 d3s2 (c16 d3) d3s2 c16"), /residual block 2\.\.3 turns 24x24x8 into 24x24x16/);
    assert.throws(() => architectureFrom("c8k3s2 d3s2 c16 (d3s2 c16)"), /a residual block keeps its shape/);
    assert.throws(() => architectureFrom("c8k3s2 d3s2 c16 ((d3 c16)) d3s2"), /do not nest/);
    assert.throws(() => architectureFrom("c8k3s2 d3s2 c16 (d3 c16 d3s2"), /not closed/);
    assert.throws(() => architectureFrom("c8k3s2 d3s2 c16 d3 c16) d3s2"), /closes no residual block/);
    assert.throws(() => architectureFrom("c8k3s2 d3s2 c16 () d3s2"), /empty residual block/);
  });

  it("adds a block's input to its output in the float network", async () => {
    await tf.setBackend("cpu");
    const arch = architectureFrom("c4k3s2 d3s2 c8 (d3 c8) d3s2 c8");
    const network = Network.create(arch, 5, [0.9, 0.05, 0.05]);
    const x = tf.randomUniform([2, 96, 96, 1], 0, 1, "float32", 9) as tf.Tensor4D;
    const outputs = network.activations(x);
    const shapes = layerShapes(arch);
    // Layer 4 closes the block opened by layer 3: its output is relu6(conv(layer 3)) + layer 2's output.
    const block = tf.clipByValue(tf.add(tf.conv2d(outputs[3], network.kernels[4], 1, "same"), network.biases[4]), 0, 6);
    const expected = tf.add(block, outputs[2]);
    assert.deepEqual(outputs[4].shape, [2, shapes[4].outSize, shapes[4].outSize, shapes[4].outChannels]);
    const gap = tf.max(tf.abs(tf.sub(outputs[4], expected))).dataSync()[0];
    assert.ok(gap < 1e-5, `max gap ${gap}`);
    network.dispose();
  });
});
