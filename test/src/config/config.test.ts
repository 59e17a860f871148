import { strict as assert } from "node:assert";
import { ConfigError } from "../../../src/config/config-error.js";
import { parseConfig } from "../../../src/config/config.js";
import { defaultMaxTiles } from "../../../src/frame/tile-budget.js";

const minimal = Object.freeze({
  deviceId: "door-01",
  site: "Library, main entrance",
  collectorUrl: "https://collector.example:8443/",
  deviceToken: "0123456789abcdef0123",
});

function refusedKey(json: unknown): string {
  try {
    parseConfig(json);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error.message.includes(`"${error.key}"`), "the message names the key");
    return error.key;
  }
  assert.fail("config was accepted");
}

describe("config", () => {
  it("fills in the defaults and strips the URL's trailing slash", () => {
    const config = parseConfig(minimal);
    assert.deepEqual(config, {
      deviceId: "door-01",
      site: "Library, main entrance",
      collectorUrl: "https://collector.example:8443",
      deviceToken: "0123456789abcdef0123",
      windowMinutes: 20,
      minPeople: 10,
      roi: { x: 0, y: 0, width: 1, height: 1 },
      scaledShortSide: 192,
      maxTiles: defaultMaxTiles(),
    });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.roi));
  });

  it("accepts every optional key in range", () => {
    const config = parseConfig({ ...minimal, windowMinutes: 15, minPeople: 25, roi: { x: 0.1, y: 0.2, width: 0.7, height: 0.8 }, scaledShortSide: 160, maxTiles: 9 });
    assert.equal(config.windowMinutes, 15);
    assert.equal(config.minPeople, 25);
    assert.deepEqual(config.roi, { x: 0.1, y: 0.2, width: 0.7, height: 0.8 });
    assert.equal(config.scaledShortSide, 160);
    assert.equal(config.maxTiles, 9);
  });

  it("is idempotent on its own output", () => {
    const config = parseConfig(minimal);
    assert.deepEqual(parseConfig(config), config);
  });

  it("refuses a window under 15 minutes or one that does not divide a day", () => {
    assert.equal(refusedKey({ ...minimal, windowMinutes: 14 }), "windowMinutes");
    assert.equal(refusedKey({ ...minimal, windowMinutes: 17 }), "windowMinutes");
    assert.equal(refusedKey({ ...minimal, windowMinutes: 20.5 }), "windowMinutes");
    assert.equal(refusedKey({ ...minimal, windowMinutes: "20" }), "windowMinutes");
  });

  it("refuses a people threshold under 10", () => {
    assert.equal(refusedKey({ ...minimal, minPeople: 9 }), "minPeople");
    assert.equal(refusedKey({ ...minimal, minPeople: -1 }), "minPeople");
  });

  it("refuses unknown keys, at the top and in the ROI", () => {
    assert.equal(refusedKey({ ...minimal, windowMinute: 20 }), "windowMinute");
    assert.equal(refusedKey({ ...minimal, firmwareVersion: "1.0" }), "firmwareVersion");
    assert.equal(refusedKey({ ...minimal, roi: { x: 0, y: 0, width: 1, height: 1, z: 0 } }), "roi.z");
  });

  it("refuses missing or malformed required keys", () => {
    for (const key of ["deviceId", "site", "collectorUrl", "deviceToken"]) {
      const copy: Record<string, unknown> = { ...minimal };
      delete copy[key];
      assert.equal(refusedKey(copy), key);
    }
    assert.equal(refusedKey({ ...minimal, deviceId: "Door_01" }), "deviceId");
    assert.equal(refusedKey({ ...minimal, site: "" }), "site");
    assert.equal(refusedKey({ ...minimal, site: "a\nb" }), "site");
    assert.equal(refusedKey({ ...minimal, deviceToken: "short" }), "deviceToken");
    assert.equal(refusedKey({ ...minimal, deviceToken: "has a space in the token" }), "deviceToken");
  });

  it("accepts only https collector URLs", () => {
    assert.equal(refusedKey({ ...minimal, collectorUrl: "http://collector.example" }), "collectorUrl");
    assert.equal(refusedKey({ ...minimal, collectorUrl: "https://collector.example/?x=1" }), "collectorUrl");
    assert.equal(refusedKey({ ...minimal, collectorUrl: "ftp://collector.example" }), "collectorUrl");
    assert.equal(parseConfig({ ...minimal, collectorUrl: "https://127.0.0.1:8443/base" }).collectorUrl, "https://127.0.0.1:8443/base");
  });

  it("refuses ROIs outside the frame or empty", () => {
    assert.equal(refusedKey({ ...minimal, roi: { x: 0.5, y: 0, width: 0.6, height: 1 } }), "roi.width");
    assert.equal(refusedKey({ ...minimal, roi: { x: 0, y: 0.5, width: 1, height: 0.6 } }), "roi.height");
    assert.equal(refusedKey({ ...minimal, roi: { x: 0, y: 0, width: 0, height: 1 } }), "roi.width");
    assert.equal(refusedKey({ ...minimal, roi: { x: -0.1, y: 0, width: 0.5, height: 1 } }), "roi.x");
    assert.equal(refusedKey({ ...minimal, roi: { x: 0, y: 0, width: 1 } }), "roi.height");
    assert.equal(refusedKey({ ...minimal, roi: [0, 0, 1, 1] }), "roi");
  });

  it("refuses out-of-range frame scaling and tile budgets", () => {
    assert.equal(refusedKey({ ...minimal, scaledShortSide: 95 }), "scaledShortSide");
    assert.equal(refusedKey({ ...minimal, maxTiles: 0 }), "maxTiles");
    assert.equal(refusedKey({ ...minimal, maxTiles: 2.5 }), "maxTiles");
  });

  it("refuses non-objects", () => {
    assert.equal(refusedKey(null), "(root)");
    assert.equal(refusedKey([minimal]), "(root)");
    assert.equal(refusedKey("{}"), "(root)");
  });
});
