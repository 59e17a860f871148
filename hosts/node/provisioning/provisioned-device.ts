import type { Store } from "../../../src/interfaces/index.js";
import { ProvisioningStore, deviceConfigJson } from "../../../src/provision/settings-store.js";

/** What the desktop host needs to run the core with provisioned settings. */
export interface ProvisionedDevice {
  /** Device config JSON for Ephemera (validated there by src/config). */
  readonly config: Record<string, unknown>;
  /** The collector's CA (PEM), for PinnedHttps. */
  readonly collectorCa: string;
  /** SSID of the saved network. */
  readonly wifiSsid: string;
}

/**
 * Reads the settings provisioning saved in the store, or undefined when the
 * board is not provisioned. `extra` adds host-only keys (e.g. maxTiles).
 */
export function readProvisionedDevice(store: Store, deviceId: string, extra: Record<string, unknown> = {}): ProvisionedDevice | undefined {
  const settings = new ProvisioningStore(store);
  const vendor = settings.vendor();
  const wifi = settings.wifi();
  if (vendor === undefined || wifi === undefined || !settings.provisioned(deviceId)) return undefined;
  return { config: { ...extra, ...deviceConfigJson(vendor, deviceId) }, collectorCa: vendor.collectorCa, wifiSsid: wifi.ssid };
}
