/**
 * "node:assert" inside the XS test host (see assert-core.ts): equal and
 * notEqual are the legacy == kind; deepEqual is the strict kind (stricter than
 * Node's legacy one). `strict` is "node:assert/strict".
 */
import {
  AssertionError, deepStrictEqual, doesNotMatch, doesNotReject, doesNotThrow, failNow, looseEqual, looseNotEqual, match,
  notDeepStrictEqual, notStrictEqual, ok, rejects, strictEqual, throws,
} from "./assert-core.js";
import { strict } from "./assert-strict.js";

function legacyAssert(value: unknown, message?: string | Error): void {
  ok(value, message);
}

const legacy = Object.assign(legacyAssert, {
  AssertionError, ok, fail: failNow, match, doesNotMatch, throws, doesNotThrow, rejects, doesNotReject,
  equal: looseEqual, notEqual: looseNotEqual, strictEqual, notStrictEqual,
  deepEqual: deepStrictEqual, notDeepEqual: notDeepStrictEqual, deepStrictEqual, notDeepStrictEqual, strict,
});

export default legacy;
export {
  AssertionError, ok, match, doesNotMatch, throws, doesNotThrow, rejects, doesNotReject, strictEqual, notStrictEqual,
  deepStrictEqual, notDeepStrictEqual, looseEqual as equal, looseNotEqual as notEqual, deepStrictEqual as deepEqual,
  notDeepStrictEqual as notDeepEqual, failNow as fail, strict,
};
