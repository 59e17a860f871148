import { strict as assert } from "node:assert";
import { caFingerprint, checkCaPem } from "../../src/provision/pem.js";
import { fakeCertificatePem } from "./fakes.js";

describe("provision/pem", () => {
  it("accepts certificate blocks, one or a short chain", () => {
    assert.deepEqual(checkCaPem(fakeCertificatePem(1)), { ok: true, certificates: 1 });
    assert.deepEqual(checkCaPem(fakeCertificatePem(1) + "\n" + fakeCertificatePem(2).replace(/\n/g, "\r\n")), { ok: true, certificates: 2 });
  });

  it("refuses anything else with a reason", () => {
    const good = fakeCertificatePem(1);
    const cases: Array<[string, RegExp]> = [
      ["", /empty/],
      ["x".repeat(4001), /4001 bytes/],
      ["-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", /private key/],
      [good.replace("A", "é"), /not ASCII/],
      ["hello\n" + good, /outside a CERTIFICATE block/],
      [good.replace("-----END CERTIFICATE-----", ""), /without its END/],
      [good.replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!"), /not base64 DER/],
      ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", /not base64 DER/],
      [good.replace("\nMI", "\nNI"), /not a DER SEQUENCE/],
      [[1, 2, 3, 4, 5].map((seed) => fakeCertificatePem(seed, 100)).join(""), /5 certificates/],
      ["\n\n", /no CERTIFICATE/],
    ];
    for (const [text, reason] of cases) {
      const check = checkCaPem(text);
      assert.ok(!check.ok, text.slice(0, 60));
      assert.match(check.problem, reason);
    }
  });

  it("fingerprints text stably (FNV-1a, 8 hex digits)", () => {
    assert.equal(caFingerprint(""), "811c9dc5");
    assert.equal(caFingerprint("a"), "e40c292c");
    assert.notEqual(caFingerprint(fakeCertificatePem(1)), caFingerprint(fakeCertificatePem(2)));
  });
});
