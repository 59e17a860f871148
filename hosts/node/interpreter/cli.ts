#!/usr/bin/env node
/**
 * ephemera-model: the host interpreter from the command line.
 *   ephemera-model info MODEL            one JSON object (ops, parameters, weight_bytes, macs, arena_bytes, ...)
 *   ephemera-model run MODEL INPUT.raw   each output tensor as a JSON array, one line per output
 * INPUT.raw holds the input tensor's bytes exactly (int8, or float32 little-endian).
 * Exit status: 0 ok, 1 error (message on stderr), 2 usage.
 */
import { runCommand } from "./command.js";

const result = runCommand(process.argv.slice(2));
for (const line of result.stdout) process.stdout.write(`${line}\n`);
if (result.stderr !== undefined) process.stderr.write(`${result.stderr}\n`);
process.exitCode = result.code;
