import { parseConfig } from "../config/config.js";
import type { Store } from "../interfaces/index.js";
import type { WifiCredentials } from "./improv-codec.js";
import { caFingerprint } from "./pem.js";
import type { RoiFractions } from "./vendor-codec.js";

/** Store keys (at most 15 characters, the board's Preference limit). */
export const PROVISION_KEYS = Object.freeze({ wifi: "pv.wifi", vendor: "pv.cfg", ca: "pv.ca" });

/** The vendor settings as saved. `deviceToken` and `collectorCa` are secrets: never log them. */
export interface VendorSettings {
  readonly collectorUrl: string;
  readonly deviceToken: string;
  readonly site: string;
  readonly windowMinutes: number;
  readonly roi: RoiFractions;
  readonly collectorCa: string;
}

interface SavedVendor {
  readonly collectorUrl: string;
  readonly deviceToken: string;
  readonly site: string;
  readonly windowMinutes: number;
  readonly roi: RoiFractions;
  /** Fingerprint of the CA saved with these settings: a power cut between the two writes is detected. */
  readonly ca: string;
}

/** The JSON that src/config's parseConfig validates, from saved settings. */
export function deviceConfigJson(settings: Omit<VendorSettings, "collectorCa">, deviceId: string): Record<string, unknown> {
  return {
    deviceId,
    site: settings.site,
    collectorUrl: settings.collectorUrl,
    deviceToken: settings.deviceToken,
    windowMinutes: settings.windowMinutes,
    roi: { x: settings.roi.x, y: settings.roi.y, width: settings.roi.width, height: settings.roi.height },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Provisioning settings in the Store: Wi-Fi credentials, the vendor settings
 * and the collector CA. Survives restarts; a torn or corrupt record reads as
 * "not provisioned", never as half a configuration.
 */
export class ProvisioningStore {
  #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  wifi(): WifiCredentials | undefined {
    const saved = parseJson(this.#store.get(PROVISION_KEYS.wifi));
    if (!isRecord(saved) || typeof saved.ssid !== "string" || typeof saved.password !== "string" || saved.ssid.length === 0) return undefined;
    return { ssid: saved.ssid, password: saved.password };
  }

  /** Throws when the store refuses the write (full, failing flash). */
  saveWifi(credentials: WifiCredentials): void {
    this.#store.set(PROVISION_KEYS.wifi, JSON.stringify({ ssid: credentials.ssid, password: credentials.password }));
  }

  vendor(): VendorSettings | undefined {
    const saved = parseJson(this.#store.get(PROVISION_KEYS.vendor));
    const ca = this.#store.get(PROVISION_KEYS.ca);
    if (!isRecord(saved) || ca === undefined) return undefined;
    const { collectorUrl, deviceToken, site, windowMinutes, roi } = saved as Partial<SavedVendor>;
    if (typeof collectorUrl !== "string" || typeof deviceToken !== "string" || typeof site !== "string" || typeof windowMinutes !== "number") return undefined;
    if (!isRecord(roi) || saved.ca !== caFingerprint(ca)) return undefined;
    const { x, y, width, height } = roi as Record<string, unknown>;
    if (typeof x !== "number" || typeof y !== "number" || typeof width !== "number" || typeof height !== "number") return undefined;
    return { collectorUrl, deviceToken, site, windowMinutes, roi: { x, y, width, height }, collectorCa: ca };
  }

  /** CA first, then the record naming its fingerprint. Throws when the store refuses a write. */
  saveVendor(settings: VendorSettings): void {
    const record: SavedVendor = {
      collectorUrl: settings.collectorUrl,
      deviceToken: settings.deviceToken,
      site: settings.site,
      windowMinutes: settings.windowMinutes,
      roi: settings.roi,
      ca: caFingerprint(settings.collectorCa),
    };
    this.#store.set(PROVISION_KEYS.ca, settings.collectorCa);
    this.#store.set(PROVISION_KEYS.vendor, JSON.stringify(record));
  }

  /** Wi-Fi saved and vendor settings saved that src/config accepts for this device. */
  provisioned(deviceId: string): boolean {
    const vendor = this.vendor();
    if (this.wifi() === undefined || vendor === undefined) return false;
    try {
      parseConfig(deviceConfigJson(vendor, deviceId));
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets everything (a factory reset). */
  clear(): void {
    for (const key of Object.values(PROVISION_KEYS)) this.#store.delete(key);
  }
}
