/** Runs one operator in a model of its own: the helper of the per-operator tests. */
import { loadModel, type TensorData } from "../../hosts/node/interpreter/index.js";
import { buildModel, type OperatorDef, type TensorDef } from "./tflite-builder.js";

export interface SingleOp {
  readonly code: number;
  readonly options?: OperatorDef["options"];
  /** Operator inputs in order; those without data become graph inputs. null: an omitted optional input. */
  readonly inputs: readonly (TensorDef | null)[];
  readonly output: TensorDef;
}

/** The model bytes of one operator. */
export function singleOpModel(op: SingleOp): Uint8Array {
  const tensors: TensorDef[] = [];
  const opInputs: number[] = [];
  const graphInputs: number[] = [];
  for (const input of op.inputs) {
    if (input === null) {
      opInputs.push(-1);
      continue;
    }
    opInputs.push(tensors.length);
    if (input.data === undefined) graphInputs.push(tensors.length);
    tensors.push(input);
  }
  const output = tensors.length;
  tensors.push(op.output);
  return buildModel({ tensors, operators: [{ code: op.code, inputs: opInputs, outputs: [output], options: op.options }], inputs: graphInputs, outputs: [output] });
}

/** Runs the operator on `values` (one array per graph input) and returns the output as numbers. */
export function runSingleOp(op: SingleOp, ...values: readonly (readonly number[])[]): number[] {
  const model = loadModel(singleOpModel(op));
  if (values.length !== model.inputTensors.length) throw new Error(`${model.inputTensors.length} graph inputs, ${values.length} values given`);
  model.inputTensors.forEach((tensor: TensorData, i) => {
    if (values[i].length !== tensor.length) throw new Error(`input ${i} takes ${tensor.length} values, ${values[i].length} given`);
    tensor.set(values[i]);
  });
  model.run();
  return Array.from(model.outputTensors[0]);
}
