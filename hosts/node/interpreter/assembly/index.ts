// Entry points of the kernel module. The loader writes weights, parameter
// tables, the tensor arena and an op program into linear memory; `run` walks
// the program: per op, a kernel code, a word count, then the op's words.

import { logistic, softmax } from "./activations";
import { conv2d, depthwiseConv2d, fullyConnected } from "./conv";
import { binary } from "./elementwise";
import * as K from "./opcodes";
import { pool2d } from "./pool";
import { dequantize, quantizeFloat, requantize } from "./quantize";
import { mean } from "./reduce";
import { concatenation, copy, pad } from "./shape";

/** First byte of linear memory that the loader may use. */
export function heapBase(): usize {
  return __heap_base;
}

/** Runs `count` ops of the program at `program`. Returns 0, or 1 + the index of an op with an unknown kernel code. */
export function run(program: usize, count: i32): i32 {
  let p = program;
  for (let i = 0; i < count; i++) {
    const kernel = load<i32>(p);
    const words = load<i32>(p + 4);
    const params = p + 8;
    switch (kernel) {
      case K.KERNEL_CONV_2D: conv2d(params); break;
      case K.KERNEL_DEPTHWISE_CONV_2D: depthwiseConv2d(params); break;
      case K.KERNEL_FULLY_CONNECTED: fullyConnected(params); break;
      case K.KERNEL_AVERAGE_POOL_2D: pool2d(params, true); break;
      case K.KERNEL_MAX_POOL_2D: pool2d(params, false); break;
      case K.KERNEL_ADD: binary(params, true); break;
      case K.KERNEL_MUL: binary(params, false); break;
      case K.KERNEL_SOFTMAX: softmax(params); break;
      case K.KERNEL_LOGISTIC: logistic(params); break;
      case K.KERNEL_COPY: copy(params); break;
      case K.KERNEL_PAD: pad(params); break;
      case K.KERNEL_CONCATENATION: concatenation(params); break;
      case K.KERNEL_QUANTIZE_FLOAT: quantizeFloat(params); break;
      case K.KERNEL_REQUANTIZE: requantize(params); break;
      case K.KERNEL_DEQUANTIZE: dequantize(params); break;
      case K.KERNEL_MEAN: mean(params); break;
      default: return i + 1;
    }
    p = params + (<usize>words << 2);
  }
  return 0;
}
