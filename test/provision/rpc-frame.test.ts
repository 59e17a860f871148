import { strict as assert } from "node:assert";
import { FRAGMENT_STALE_MS, RpcFrameAssembler } from "../../src/provision/frame-assembler.js";
import { RPC_MAX_FRAME_BYTES, decodeRpcFrame, encodeRpcFrame, rpcChecksum } from "../../src/provision/rpc-frame.js";

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

describe("provision/rpc-frame", () => {
  it("encodes the spec's example: 01 1E 0C {MyWirelessAP} 10 {mysecurepassword} CS", () => {
    const data = Buffer.concat([Buffer.from([0x0c]), Buffer.from("MyWirelessAP"), Buffer.from([0x10]), Buffer.from("mysecurepassword")]);
    const frame = encodeRpcFrame(0x01, data);
    assert.equal(frame[0], 0x01);
    assert.equal(frame[1], 0x1e);
    const sum = [...frame.subarray(0, frame.length - 1)].reduce((a, b) => a + b, 0);
    assert.equal(frame[frame.length - 1], sum & 0xff);
    assert.equal(frame.length, 0x1e + 3);
  });

  it("computes the checksum as the low byte of the sum", () => {
    assert.equal(rpcChecksum(Uint8Array.of(0xff, 0xff, 0x03), 3), (0xff + 0xff + 0x03) & 0xff);
    assert.equal(hex(encodeRpcFrame(0x03)), "030003");
  });

  it("decodes what it encodes, for every data length 0..255", () => {
    for (let length = 0; length <= 255; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 0xff);
      const decoded = decodeRpcFrame(encodeRpcFrame(0x42, data));
      assert.ok(decoded.ok);
      assert.equal(decoded.frame.command, 0x42);
      assert.deepEqual(decoded.frame.data, data);
    }
  });

  it("names the problem of a bad frame", () => {
    const good = encodeRpcFrame(0x02, Uint8Array.of(1, 2, 3));
    assert.deepEqual(decodeRpcFrame(good.subarray(0, 2)), { ok: false, problem: "short" });
    assert.deepEqual(decodeRpcFrame(good.subarray(0, good.length - 1)), { ok: false, problem: "length" });
    const corrupt = good.slice();
    corrupt[3] ^= 0x10;
    assert.deepEqual(decodeRpcFrame(corrupt), { ok: false, problem: "checksum" });
    assert.deepEqual(decodeRpcFrame(new Uint8Array(RPC_MAX_FRAME_BYTES + 1)), { ok: false, problem: "oversize" });
  });

  it("refuses to encode more than 255 data bytes or a command that is not a byte", () => {
    assert.throws(() => encodeRpcFrame(1, new Uint8Array(256)), RangeError);
    assert.throws(() => encodeRpcFrame(256), RangeError);
  });
});

describe("provision/frame-assembler", () => {
  it("joins a frame written in 20-byte pieces", () => {
    const frame = encodeRpcFrame(0x01, Uint8Array.from({ length: 100 }, (_, i) => i));
    const assembler = new RpcFrameAssembler();
    const results = [];
    for (let at = 0; at < frame.length; at += 20) results.push(...assembler.push(frame.subarray(at, at + 20), at));
    assert.equal(results.length, 1);
    assert.ok(results[0].ok);
    assert.equal(results[0].frame.data.length, 100);
    assert.equal(assembler.pending, 0);
  });

  it("splits two frames written back to back", () => {
    const a = encodeRpcFrame(0x03);
    const b = encodeRpcFrame(0x04);
    const results = new RpcFrameAssembler().push(Uint8Array.from([...a, ...b]), 0);
    assert.deepEqual(results.map((r) => r.ok && r.frame.command), [0x03, 0x04]);
  });

  it("refuses a write that goes past the largest frame, and recovers", () => {
    const assembler = new RpcFrameAssembler();
    assert.deepEqual(assembler.push(new Uint8Array(RPC_MAX_FRAME_BYTES + 1), 0), [{ ok: false, problem: "oversize" }]);
    assert.equal(assembler.pending, 0);
    const partial = Uint8Array.of(0x01, 0xff, 0, 0);
    assert.deepEqual(assembler.push(partial, 1), []);
    assert.deepEqual(assembler.push(new Uint8Array(RPC_MAX_FRAME_BYTES), 2), [{ ok: false, problem: "oversize" }]);
    const next = assembler.push(encodeRpcFrame(0x03), 3);
    assert.ok(next[0].ok);
  });

  it("drops a stale partial frame", () => {
    const assembler = new RpcFrameAssembler();
    const frame = encodeRpcFrame(0x03);
    assert.deepEqual(assembler.push(frame.subarray(0, 2), 0), []);
    const results = assembler.push(frame, FRAGMENT_STALE_MS + 1);
    assert.deepEqual(results[0], { ok: false, problem: "short" });
    assert.ok(results[1].ok);
  });

  it("drops the rest of a write after a bad checksum (framing lost)", () => {
    const bad = encodeRpcFrame(0x03);
    bad[2] ^= 1;
    const assembler = new RpcFrameAssembler();
    const results = assembler.push(Uint8Array.from([...bad, ...encodeRpcFrame(0x04)]), 0);
    assert.deepEqual(results, [{ ok: false, problem: "checksum" }]);
    assert.equal(assembler.pending, 0);
  });
});
