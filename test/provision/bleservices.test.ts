import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PROVISIONING_SERVICES } from "../../src/provision/gatt-table.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FOLDER = join(ROOT, "hosts", "moddable", "bleservices");

interface ServiceJson {
  service: { uuid: string; characteristics: Record<string, { uuid: string; maxBytes: number; type: string; permissions: string; properties: string }> };
}

describe("provision/bleservices (the board's GATT services)", () => {
  const files = readdirSync(FOLDER).filter((name) => name.endsWith(".json"));
  const services = files.map((name) => JSON.parse(readFileSync(join(FOLDER, name), "utf8")) as ServiceJson);

  it("has one JSON file per provisioning service", () => {
    assert.deepEqual(services.map((s) => s.service.uuid).sort(), PROVISIONING_SERVICES.map((s) => s.uuid).sort());
  });

  for (const spec of PROVISIONING_SERVICES) {
    it(`${spec.name}: the same characteristics, properties and encryption as the table the desktop bridge serves`, () => {
      const json = services.find((s) => s.service.uuid === spec.uuid);
      assert.ok(json);
      const characteristics = json.service.characteristics;
      assert.deepEqual(Object.keys(characteristics).sort(), spec.characteristics.map((c) => c.name).sort());
      for (const characteristic of spec.characteristics) {
        const entry = characteristics[characteristic.name];
        assert.equal(entry.uuid, characteristic.uuid);
        assert.equal(entry.maxBytes, characteristic.maxBytes);
        assert.equal(entry.type, "ArrayBuffer");
        assert.deepEqual(entry.properties.split(",").sort(), [...characteristic.properties].sort());
        const permissions = entry.permissions.split(",");
        for (const permission of permissions) assert.equal(permission.endsWith("Encrypted"), characteristic.encrypted, `${characteristic.name}: ${permission}`);
      }
    });
  }

  it("the board's provisioning code type-checks against the SDK module declarations", function () {
    this.timeout(120_000);
    const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "hosts", "moddable", "provisioning")], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
