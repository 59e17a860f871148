import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "../../hosts/node/file-store.js";
import { parseConfig } from "../../src/config/config.js";
import { PROVISION_KEYS, ProvisioningStore, deviceConfigJson } from "../../src/provision/settings-store.js";
import { MemoryStore } from "../support/memory-store.js";
import { GOOD_CA, OTHER_CA, TOKEN, WIFI_PASSWORD } from "./harness.js";

const SETTINGS = Object.freeze({
  collectorUrl: "https://collector.example:8443",
  deviceToken: TOKEN,
  site: "Bus 42",
  windowMinutes: 15,
  roi: { x: 0, y: 0.25, width: 1, height: 0.5 },
  collectorCa: GOOD_CA,
});

describe("provision/settings-store", () => {
  it("keeps its keys within the board's 15-character limit", () => {
    for (const key of Object.values(PROVISION_KEYS)) assert.ok(key.length <= 15);
  });

  it("saves and loads Wi-Fi and vendor settings across a restart of the desktop file store", () => {
    const folder = mkdtempSync(join(tmpdir(), "ephemera-provision-"));
    try {
      const path = join(folder, "store.json");
      const first = new ProvisioningStore(new FileStore(path));
      assert.ok(!first.provisioned("ephemera-a1"));
      first.saveWifi({ ssid: "Hall-AP", password: WIFI_PASSWORD });
      first.saveVendor(SETTINGS);
      const again = new ProvisioningStore(new FileStore(path));
      assert.deepEqual(again.wifi(), { ssid: "Hall-AP", password: WIFI_PASSWORD });
      assert.deepEqual(again.vendor(), SETTINGS);
      assert.ok(again.provisioned("ephemera-a1"));
      assert.equal(parseConfig(deviceConfigJson(SETTINGS, "ephemera-a1")).site, "Bus 42");
      again.clear();
      assert.ok(!new ProvisioningStore(new FileStore(path)).provisioned("ephemera-a1"));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("reads a torn write (CA replaced, settings not) as unprovisioned, never as a mixed configuration", () => {
    const store = new MemoryStore();
    const settings = new ProvisioningStore(store);
    settings.saveWifi({ ssid: "Hall-AP", password: WIFI_PASSWORD });
    settings.saveVendor(SETTINGS);
    store.set(PROVISION_KEYS.ca, OTHER_CA);
    assert.equal(settings.vendor(), undefined);
    assert.ok(!settings.provisioned("ephemera-a1"));
  });

  it("reads corrupt records as absent", () => {
    const store = new MemoryStore();
    const settings = new ProvisioningStore(store);
    store.set(PROVISION_KEYS.wifi, "{not json");
    store.set(PROVISION_KEYS.vendor, JSON.stringify({ collectorUrl: 5 }));
    store.set(PROVISION_KEYS.ca, GOOD_CA);
    assert.equal(settings.wifi(), undefined);
    assert.equal(settings.vendor(), undefined);
    store.set(PROVISION_KEYS.wifi, JSON.stringify({ ssid: "", password: "x" }));
    assert.equal(settings.wifi(), undefined);
  });

  it("is not provisioned when src/config refuses the saved settings", () => {
    const store = new MemoryStore();
    const settings = new ProvisioningStore(store);
    settings.saveWifi({ ssid: "Hall-AP", password: WIFI_PASSWORD });
    settings.saveVendor({ ...SETTINGS, windowMinutes: 7 });
    assert.ok(settings.vendor());
    assert.ok(!settings.provisioned("ephemera-a1"));
  });
});
