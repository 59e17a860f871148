/**
 * RPC framing shared by the Improv service and the vendor service:
 * [command][data length][data ...][checksum], the checksum being the low byte
 * of the sum of every preceding byte. Data is at most 255 bytes, so a frame
 * is at most 258 bytes.
 */

export const RPC_MAX_DATA_BYTES = 255;
export const RPC_MAX_FRAME_BYTES = RPC_MAX_DATA_BYTES + 3;

export interface RpcFrame {
  readonly command: number;
  readonly data: Uint8Array;
}

export type RpcProblem = "short" | "length" | "checksum" | "oversize";
export type RpcDecoded = { readonly ok: true; readonly frame: RpcFrame } | { readonly ok: false; readonly problem: RpcProblem };

/** Low byte of the sum of bytes[0 .. end). */
export function rpcChecksum(bytes: Uint8Array, end: number): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i];
  return sum & 0xff;
}

/** Builds a frame; throws RangeError when data is over 255 bytes or the command is not a byte. */
export function encodeRpcFrame(command: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(command) || command < 0 || command > 0xff) throw new RangeError(`rpc: command ${command} is not a byte`);
  if (data.length > RPC_MAX_DATA_BYTES) throw new RangeError(`rpc: ${data.length} data bytes, the limit is ${RPC_MAX_DATA_BYTES}`);
  const frame = new Uint8Array(data.length + 3);
  frame[0] = command;
  frame[1] = data.length;
  frame.set(data, 2);
  frame[data.length + 2] = rpcChecksum(frame, data.length + 2);
  return frame;
}

/** Checks one complete frame: exact length, checksum. */
export function decodeRpcFrame(bytes: Uint8Array): RpcDecoded {
  if (bytes.length > RPC_MAX_FRAME_BYTES) return { ok: false, problem: "oversize" };
  if (bytes.length < 3) return { ok: false, problem: "short" };
  const length = bytes[1];
  if (bytes.length !== length + 3) return { ok: false, problem: "length" };
  if (bytes[length + 2] !== rpcChecksum(bytes, length + 2)) return { ok: false, problem: "checksum" };
  return { ok: true, frame: { command: bytes[0], data: bytes.slice(2, 2 + length) } };
}
