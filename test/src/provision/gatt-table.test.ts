import { strict as assert } from "node:assert";
import { PROVISIONING_SERVICES, findCharacteristic } from "../../../src/provision/gatt-table.js";

describe("provisioning GATT table", () => {
  it("is frozen all the way down (a constant table the device's linker preloads into flash)", () => {
    assert.ok(Object.isFrozen(PROVISIONING_SERVICES));
    for (const service of PROVISIONING_SERVICES) {
      assert.ok(Object.isFrozen(service), service.name);
      assert.ok(Object.isFrozen(service.characteristics), `${service.name}.characteristics`);
      for (const characteristic of service.characteristics) {
        assert.ok(Object.isFrozen(characteristic), characteristic.name);
        assert.ok(Object.isFrozen(characteristic.properties), `${characteristic.name}.properties`);
      }
    }
  });

  it("finds each characteristic by its UUID", () => {
    for (const service of PROVISIONING_SERVICES) {
      for (const characteristic of service.characteristics) assert.equal(findCharacteristic(characteristic.uuid), characteristic);
    }
    assert.equal(findCharacteristic("00000000-0000-0000-0000-000000000000"), undefined);
  });
});
