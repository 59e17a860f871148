/** The shared TensorFlow Lite Micro reference model and its golden cases, read in place (missing data fails). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIRECTORY = fileURLToPath(new URL("../../../../shared/models/person-detect/", import.meta.url));

export interface Golden {
  readonly arena_used_bytes: number;
  readonly cases: Readonly<Record<string, readonly number[]>>;
}

export const personDetect = Object.freeze({
  directory: DIRECTORY,
  modelPath: `${DIRECTORY}person_detect.tflite`,
  model(): Uint8Array {
    return readFileSync(this.modelPath);
  },
  golden(): Golden {
    return JSON.parse(readFileSync(`${DIRECTORY}golden/golden.json`, "utf8")) as Golden;
  },
  inputPath(name: string): string {
    return `${DIRECTORY}golden/${name}`;
  },
  input(name: string): Int8Array {
    const bytes = readFileSync(this.inputPath(name));
    return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
});
