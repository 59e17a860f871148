/** Starts tfjs on the wasm backend (SIMD, one thread in Node) with our gradient kernels. */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmGradientKernels } from "./wasm-kernels.js";

export async function useWasmBackend(): Promise<void> {
  if (tf.getBackend() === "wasm") return;
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
  registerWasmGradientKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs: the wasm backend did not start");
}
