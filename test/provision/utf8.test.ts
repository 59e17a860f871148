import { strict as assert } from "node:assert";
import { isPrintableAscii, utf8Decode, utf8Encode } from "../../src/provision/utf8.js";
import { base64Decode } from "../../src/provision/base64.js";

describe("provision/utf8 and base64", () => {
  it("encodes like TextEncoder, lone surrogates included", () => {
    const encoder = new TextEncoder();
    for (const text of ["", "abc", "Café", "☕ 日本", "😀x", "\ud800", "a\udc00b", "\ud83d"]) {
      assert.deepEqual(utf8Encode(text), encoder.encode(text), JSON.stringify(text));
    }
  });

  it("decodes strictly, like a fatal TextDecoder", () => {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let random = 12345;
    const next = () => (random = (random * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 20000; i++) {
      const bytes = Uint8Array.from({ length: next() % 8 }, () => (next() % 3 === 0 ? next() & 0x7f : next() & 0xff));
      let expected: string | undefined;
      try {
        expected = decoder.decode(bytes);
      } catch {
        expected = undefined;
      }
      assert.equal(utf8Decode(bytes), expected, Buffer.from(bytes).toString("hex"));
    }
  });

  it("tells printable ASCII", () => {
    assert.ok(isPrintableAscii(Uint8Array.of(0x20, 0x7e)));
    assert.ok(!isPrintableAscii(Uint8Array.of(0x0a)));
  });

  it("decodes base64 like Buffer and refuses malformed input", () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37) & 0xff));
      assert.deepEqual(base64Decode(bytes.toString("base64")), new Uint8Array(bytes));
    }
    for (const bad of ["abc", "a===", "ab=c", "ab!d", "=abc"]) assert.equal(base64Decode(bad), undefined, bad);
  });
});
