import { decodeStringList, encodeStringList } from "./improv-codec.js";
import { RPC_MAX_DATA_BYTES, encodeRpcFrame, type RpcFrame } from "./rpc-frame.js";
import { utf8Decode, utf8Encode } from "./utf8.js";
import {
  PREVIEW_CHUNK_HEADER,
  ROI_UNITS,
  VENDOR_CHUNK_BYTES,
  VENDOR_MAX_PAYLOAD,
  VendorCommand,
  VendorStatus,
} from "./vendor-protocol.js";

/** Region of interest as fractions of the frame, as in the device config. */
export interface RoiFractions {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface VendorResult {
  readonly command: number;
  readonly status: number;
  readonly strings: readonly string[];
}

/** Splits a payload into the command frames a client writes, in order. */
export function vendorCommandFrames(command: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array[] {
  const limit = VENDOR_MAX_PAYLOAD[command];
  if (limit === undefined) throw new RangeError(`vendor: unknown command 0x${command.toString(16)}`);
  if (payload.length > limit) throw new RangeError(`vendor: payload of ${payload.length} bytes, the limit for command 0x${command.toString(16)} is ${limit}`);
  const count = Math.max(1, Math.ceil(payload.length / VENDOR_CHUNK_BYTES));
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const part = payload.subarray(index * VENDOR_CHUNK_BYTES, (index + 1) * VENDOR_CHUNK_BYTES);
    const data = new Uint8Array(part.length + 2);
    data[0] = index;
    data[1] = count;
    data.set(part, 2);
    frames.push(encodeRpcFrame(command, data));
  }
  return frames;
}

export type ChunkOutcome =
  | { readonly kind: "partial" }
  | { readonly kind: "complete"; readonly command: number; readonly payload: Uint8Array }
  | { readonly kind: "error"; readonly command: number; readonly status: VendorStatus; readonly problem: string };

/**
 * Joins the chunks of one command on the device. Chunks must come in order
 * (0..count-1) with the same command and count; anything else drops the
 * assembly. Memory is bounded by the per-command payload limit.
 */
export class VendorChunkAssembler {
  #command = -1;
  #count = 0;
  #next = 0;
  #parts: Uint8Array[] = [];
  #size = 0;

  reset(): void {
    this.#command = -1;
    this.#count = 0;
    this.#next = 0;
    this.#parts = [];
    this.#size = 0;
  }

  push(frame: RpcFrame): ChunkOutcome {
    const { command, data } = frame;
    const limit = VENDOR_MAX_PAYLOAD[command];
    if (limit === undefined) {
      this.reset();
      return { kind: "error", command, status: VendorStatus.unknownCommand, problem: `unknown command 0x${command.toString(16)}` };
    }
    if (data.length < 2) return this.#fail(command, "chunk header missing");
    const index = data[0];
    const count = data[1];
    if (count === 0 || index >= count) return this.#fail(command, `chunk ${index} of ${count}`);
    if (index === 0) {
      this.reset();
      this.#command = command;
      this.#count = count;
    } else if (command !== this.#command || count !== this.#count || index !== this.#next) {
      return this.#fail(command, `chunk ${index} of ${count} out of sequence`);
    }
    const part = data.subarray(2);
    if (this.#size + part.length > limit) return this.#fail(command, `payload over ${limit} bytes`);
    this.#parts.push(part.slice());
    this.#size += part.length;
    this.#next = index + 1;
    if (this.#next < this.#count) return { kind: "partial" };
    const payload = new Uint8Array(this.#size);
    let at = 0;
    for (const piece of this.#parts) {
      payload.set(piece, at);
      at += piece.length;
    }
    this.reset();
    return { kind: "complete", command, payload };
  }

  #fail(command: number, problem: string): ChunkOutcome {
    this.reset();
    return { kind: "error", command, status: VendorStatus.invalidPacket, problem };
  }
}

/** A result frame: data = [status][length-prefixed strings]; strings that do not fit 255 bytes are cut or left off. */
export function encodeVendorResult(command: number, status: number, strings: readonly string[] = []): Uint8Array {
  const kept: string[] = [];
  let total = 1;
  for (const text of strings) {
    const room = RPC_MAX_DATA_BYTES - total - 1;
    if (room < 0) break;
    const clipped = clipUtf8(text, room);
    kept.push(clipped);
    total += utf8Encode(clipped).length + 1;
  }
  const list = encodeStringList(kept);
  const data = new Uint8Array(list.length + 1);
  data[0] = status;
  data.set(list, 1);
  return encodeRpcFrame(command, data);
}

export function decodeVendorResult(frame: RpcFrame): VendorResult | undefined {
  if (frame.data.length < 1) return undefined;
  const strings = decodeStringList(frame.data.subarray(1));
  if (strings === undefined) return undefined;
  return { command: frame.command, status: frame.data[0], strings };
}

/** Cuts a string to at most `limit` UTF-8 bytes on a character boundary. */
export function clipUtf8(text: string, limit: number): string {
  if (utf8Encode(text).length <= limit) return text;
  let out = "";
  let bytes = 0;
  for (const char of text) {
    const size = utf8Encode(char).length;
    if (bytes + size > limit) break;
    out += char;
    bytes += size;
  }
  return out;
}

export const vendorPayload = Object.freeze({
  text: (value: string): Uint8Array => utf8Encode(value),
  windowMinutes(minutes: number): Uint8Array {
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 0xffff) throw new RangeError("vendor: window minutes must be an integer 0..65535");
    return Uint8Array.of(minutes >> 8, minutes & 0xff);
  },
  roi(roi: RoiFractions): Uint8Array {
    const out = new Uint8Array(8);
    [roi.x, roi.y, roi.width, roi.height].forEach((fraction, index) => {
      if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) throw new RangeError("vendor: ROI fractions must be within 0..1");
      const units = Math.round(fraction * ROI_UNITS);
      out[index * 2] = units >> 8;
      out[index * 2 + 1] = units & 0xff;
    });
    return out;
  },
});

export const parseVendorPayload = Object.freeze({
  text: (payload: Uint8Array): string | undefined => utf8Decode(payload),
  windowMinutes: (payload: Uint8Array): number | undefined => (payload.length === 2 ? (payload[0] << 8) | payload[1] : undefined),
  roi(payload: Uint8Array): RoiFractions | undefined {
    if (payload.length !== 8) return undefined;
    const units = [0, 1, 2, 3].map((index) => (payload[index * 2] << 8) | payload[index * 2 + 1]);
    if (units.some((value) => value > ROI_UNITS)) return undefined;
    return { x: units[0] / ROI_UNITS, y: units[1] / ROI_UNITS, width: units[2] / ROI_UNITS, height: units[3] / ROI_UNITS };
  },
});

/** Settings as reported by getSettings: never the token or the Wi-Fi password. */
export interface SettingsSummary {
  readonly collectorUrl: string;
  readonly site: string;
  readonly windowMinutes: number | undefined;
  readonly roi: RoiFractions | undefined;
  /** Fingerprint of the CA held, "" when none. */
  readonly caFingerprint: string;
  readonly tokenSet: boolean;
  /** SSID of the saved Wi-Fi network, "" when none. */
  readonly wifiSsid: string;
  /** Settings saved and valid: the board counts and reports. */
  readonly provisioned: boolean;
}

/** Order of the getSettings strings. */
export function settingsStrings(summary: SettingsSummary): string[] {
  const roi = summary.roi === undefined ? "" : [summary.roi.x, summary.roi.y, summary.roi.width, summary.roi.height].map((v) => String(Math.round(v * ROI_UNITS))).join(",");
  return [
    summary.collectorUrl,
    summary.site,
    summary.windowMinutes === undefined ? "" : String(summary.windowMinutes),
    roi,
    summary.caFingerprint,
    summary.tokenSet ? "1" : "0",
    summary.wifiSsid,
    summary.provisioned ? "1" : "0",
  ];
}

export function parseSettingsStrings(strings: readonly string[]): SettingsSummary | undefined {
  if (strings.length < 8) return undefined;
  const minutes = strings[2] === "" ? undefined : Number(strings[2]);
  let roi: RoiFractions | undefined;
  if (strings[3] !== "") {
    const units = strings[3].split(",").map(Number);
    if (units.length !== 4 || units.some((value) => !Number.isFinite(value))) return undefined;
    roi = { x: units[0] / ROI_UNITS, y: units[1] / ROI_UNITS, width: units[2] / ROI_UNITS, height: units[3] / ROI_UNITS };
  }
  if (minutes !== undefined && !Number.isFinite(minutes)) return undefined;
  return {
    collectorUrl: strings[0],
    site: strings[1],
    windowMinutes: minutes,
    roi,
    caFingerprint: strings[4],
    tokenSet: strings[5] === "1",
    wifiSsid: strings[6],
    provisioned: strings[7] === "1",
  };
}

/** A preview image: 8-bit gray, row-major. */
export interface PreviewImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * Cuts a preview into notification frames of at most `maxFrameBytes` bytes
 * (the link's MTU - 3). The image bytes are [width][height][pixels].
 */
export function previewChunkFrames(image: PreviewImage, seq: number, maxFrameBytes: number): Uint8Array[] {
  const body = new Uint8Array(image.pixels.length + 2);
  body[0] = image.width;
  body[1] = image.height;
  body.set(image.pixels, 2);
  const perChunk = Math.min(RPC_MAX_DATA_BYTES, maxFrameBytes - 3) - PREVIEW_CHUNK_HEADER;
  if (perChunk < 1) throw new RangeError(`vendor: frames of ${maxFrameBytes} bytes cannot carry a preview chunk`);
  const count = Math.ceil(body.length / perChunk);
  if (count > 0xffff) throw new RangeError("vendor: preview too large");
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const part = body.subarray(index * perChunk, (index + 1) * perChunk);
    const data = new Uint8Array(part.length + PREVIEW_CHUNK_HEADER);
    data[0] = seq & 0xff;
    data[1] = index >> 8;
    data[2] = index & 0xff;
    data[3] = count >> 8;
    data[4] = count & 0xff;
    data.set(part, PREVIEW_CHUNK_HEADER);
    frames.push(encodeRpcFrame(VendorCommand.preview, data));
  }
  return frames;
}

/** Joins preview chunks on the client; a gap or a new sequence number starts over. */
export class PreviewAssembler {
  #seq = -1;
  #count = 0;
  #next = 0;
  #parts: Uint8Array[] = [];

  /** Returns the image when its last chunk arrives, undefined otherwise (and for bad chunks). */
  push(frame: RpcFrame): PreviewImage | undefined {
    if (frame.command !== VendorCommand.preview || frame.data.length <= PREVIEW_CHUNK_HEADER) return undefined;
    const seq = frame.data[0];
    const index = (frame.data[1] << 8) | frame.data[2];
    const count = (frame.data[3] << 8) | frame.data[4];
    if (index === 0) {
      this.#seq = seq;
      this.#count = count;
      this.#next = 0;
      this.#parts = [];
    }
    if (seq !== this.#seq || count !== this.#count || index !== this.#next) {
      this.#seq = -1;
      return undefined;
    }
    this.#parts.push(frame.data.slice(PREVIEW_CHUNK_HEADER));
    this.#next++;
    if (this.#next < this.#count) return undefined;
    const total = this.#parts.reduce((sum, part) => sum + part.length, 0);
    const body = new Uint8Array(total);
    let at = 0;
    for (const part of this.#parts) {
      body.set(part, at);
      at += part.length;
    }
    this.#seq = -1;
    const width = body[0];
    const height = body[1];
    if (width === 0 || height === 0 || body.length !== width * height + 2) return undefined;
    return { width, height, pixels: body.subarray(2) };
  }
}
