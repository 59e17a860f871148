import { defaultMaxTiles } from "../frame/tile-budget.js";
import { ConfigError } from "./config-error.js";

/** Region of interest as fractions of the frame (0..1), top-left origin. */
export interface RegionOfInterest {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A validated device configuration, defaults filled in. */
export interface DeviceConfig {
  /** Lower-case letters, digits and '-', 3..32 characters (goes into batch ids). */
  readonly deviceId: string;
  /** Free text naming the place, 1..64 characters, no control characters. */
  readonly site: string;
  /** https:// base URL of the collector, without a trailing slash. */
  readonly collectorUrl: string;
  /** Bearer token issued by the collector for this device. */
  readonly deviceToken: string;
  /** Window length in minutes: at least 15, a divisor of 1440 so windows fall on the same UTC times every day. */
  readonly windowMinutes: number;
  /** A window is released only with at least this many people (never below 10). */
  readonly minPeople: number;
  readonly roi: RegionOfInterest;
  /** The ROI's shorter side is scaled to this many pixels before tiling (96..480). */
  readonly scaledShortSide: number;
  /** Most tiles (model invocations) per frame. */
  readonly maxTiles: number;
}

export const MIN_WINDOW_MINUTES = 15;
export const MIN_PEOPLE_FLOOR = 10;

const KNOWN_KEYS: readonly string[] = Object.freeze([
  "deviceId", "site", "collectorUrl", "deviceToken", "windowMinutes", "minPeople", "roi", "scaledShortSide", "maxTiles",
]);
const ROI_KEYS: readonly string[] = Object.freeze(["x", "y", "width", "height"]);

const DEVICE_ID = /^[a-z0-9][a-z0-9-]{2,31}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const SITE = /^[^\u0000-\u001f\u007f]{1,64}$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%/-]*)?$/;
const TOKEN = /^[\u0021-\u007e]{16,256}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(source: Record<string, unknown>, key: string, pattern: RegExp, rule: string): string {
  const value = source[key];
  if (value === undefined) throw new ConfigError(key, "is required");
  if (typeof value !== "string") throw new ConfigError(key, `must be a string, got ${typeof value}`);
  if (!pattern.test(value)) throw new ConfigError(key, `must be ${rule}`);
  return value;
}

function optionalInteger(source: Record<string, unknown>, key: string, fallback: number, min: number, max: number): number {
  const value = source[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new ConfigError(key, `must be an integer, got ${JSON.stringify(value)}`);
  if (value < min || value > max) throw new ConfigError(key, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function fraction(source: Record<string, unknown>, key: string): number {
  const value = source[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ConfigError(`roi.${key}`, "must be a number between 0 and 1");
  if (value < 0 || value > 1) throw new ConfigError(`roi.${key}`, `must be between 0 and 1, got ${value}`);
  return value;
}

function parseRoi(value: unknown): RegionOfInterest {
  if (value === undefined) return Object.freeze({ x: 0, y: 0, width: 1, height: 1 });
  if (!isRecord(value)) throw new ConfigError("roi", "must be an object {x, y, width, height}");
  for (const key of Object.keys(value)) if (!ROI_KEYS.includes(key)) throw new ConfigError(`roi.${key}`, "is not a known key");
  for (const key of ROI_KEYS) if (value[key] === undefined) throw new ConfigError(`roi.${key}`, "is required");
  const x = fraction(value, "x");
  const y = fraction(value, "y");
  const width = fraction(value, "width");
  const height = fraction(value, "height");
  // A little slack for fractions like 0.7 + 0.3 that do not add up exactly in binary.
  const slack = 1e-9;
  if (width <= 0) throw new ConfigError("roi.width", "must be greater than 0");
  if (height <= 0) throw new ConfigError("roi.height", "must be greater than 0");
  if (x + width > 1 + slack) throw new ConfigError("roi.width", "goes past the right edge (x + width > 1)");
  if (y + height > 1 + slack) throw new ConfigError("roi.height", "goes past the bottom edge (y + height > 1)");
  return Object.freeze({ x, y, width, height });
}

/**
 * Parses and validates a device configuration from untrusted JSON.
 * Throws a ConfigError naming the first bad key; never returns a partial config.
 */
export function parseConfig(json: unknown): DeviceConfig {
  if (!isRecord(json)) throw new ConfigError("(root)", "must be a JSON object");
  for (const key of Object.keys(json)) if (!KNOWN_KEYS.includes(key)) throw new ConfigError(key, "is not a known key");
  const deviceId = requireString(json, "deviceId", DEVICE_ID, "3..32 characters: lower-case letters, digits and '-', starting with a letter or digit");
  const site = requireString(json, "site", SITE, "1..64 characters without control characters");
  const url = requireString(json, "collectorUrl", HTTPS_URL, "an https:// URL (host, optional port and path; no query)");
  const deviceToken = requireString(json, "deviceToken", TOKEN, "16..256 visible ASCII characters");
  const windowMinutes = optionalInteger(json, "windowMinutes", 20, MIN_WINDOW_MINUTES, 1440);
  if (1440 % windowMinutes !== 0) throw new ConfigError("windowMinutes", `must divide a day (1440 minutes) evenly, got ${windowMinutes}`);
  const minPeople = optionalInteger(json, "minPeople", MIN_PEOPLE_FLOOR, MIN_PEOPLE_FLOOR, 1_000_000);
  const roi = parseRoi(json["roi"]);
  const scaledShortSide = optionalInteger(json, "scaledShortSide", 192, 96, 480);
  const maxTiles = optionalInteger(json, "maxTiles", defaultMaxTiles(), 1, 64);
  return Object.freeze({
    deviceId,
    site,
    collectorUrl: url.replace(/\/+$/, ""),
    deviceToken,
    windowMinutes,
    minPeople,
    roi,
    scaledShortSide,
    maxTiles,
  });
}
