/**
 * The commands of ephemera-model (see cli.ts), as a function of the
 * arguments, so that tests can run them without a process.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { loadModel, type InterpreterModel } from "./index.js";

const USAGE = "usage: ephemera-model info MODEL\n       ephemera-model run MODEL INPUT.raw";

class UsageError extends Error {}

function load(path: string): InterpreterModel {
  const name = basename(path).replace(/\.tflite$/, "");
  return loadModel(readFileSync(path), { name });
}

function run(model: InterpreterModel, inputPath: string): string[] {
  if (model.inputTensors.length !== 1) throw new Error(`the model has ${model.inputTensors.length} inputs; run takes models with one`);
  const input = model.inputTensors[0];
  const raw = readFileSync(inputPath);
  if (raw.length !== input.byteLength) throw new Error(`${inputPath} has ${raw.length} bytes, the input tensor takes ${input.byteLength}`);
  new Uint8Array(input.buffer, input.byteOffset, input.byteLength).set(raw);
  model.run();
  return model.outputTensors.map((output) => JSON.stringify(Array.from(output)));
}

export function runCommand(args: readonly string[]): { stdout: string[]; code: number; stderr?: string } {
  try {
    const [command, modelPath, inputPath] = args;
    if (command === "info" && modelPath !== undefined && args.length === 2) return { stdout: [JSON.stringify(load(modelPath).info)], code: 0 };
    if (command === "run" && modelPath !== undefined && inputPath !== undefined && args.length === 3) return { stdout: run(load(modelPath), inputPath), code: 0 };
    throw new UsageError(USAGE);
  } catch (error) {
    if (error instanceof UsageError) return { stdout: [], code: 2, stderr: error.message };
    return { stdout: [], code: 1, stderr: `ephemera-model: ${error instanceof Error ? error.message : String(error)}` };
  }
}
