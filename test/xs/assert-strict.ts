/** "node:assert/strict" inside the XS test host (see assert-core.ts). */
import {
  AssertionError, deepStrictEqual, doesNotMatch, doesNotReject, doesNotThrow, failNow, match, notDeepStrictEqual,
  notStrictEqual, ok, rejects, strictEqual, throws,
} from "./assert-core.js";

const functions = {
  AssertionError, ok, fail: failNow, match, doesNotMatch, throws, doesNotThrow, rejects, doesNotReject,
  equal: strictEqual, notEqual: notStrictEqual, strictEqual, notStrictEqual,
  deepEqual: deepStrictEqual, notDeepEqual: notDeepStrictEqual, deepStrictEqual, notDeepStrictEqual,
};

/** Spelled out: TypeScript needs explicit types to narrow with assertion functions. */
export interface StrictAssert {
  (value: unknown, message?: string | Error): asserts value;
  readonly AssertionError: typeof AssertionError;
  readonly ok: typeof ok;
  readonly fail: typeof failNow;
  readonly match: typeof match;
  readonly doesNotMatch: typeof doesNotMatch;
  readonly throws: typeof throws;
  readonly doesNotThrow: typeof doesNotThrow;
  readonly rejects: typeof rejects;
  readonly doesNotReject: typeof doesNotReject;
  readonly equal: typeof strictEqual;
  readonly notEqual: typeof notStrictEqual;
  readonly strictEqual: typeof strictEqual;
  readonly notStrictEqual: typeof notStrictEqual;
  readonly deepEqual: typeof deepStrictEqual;
  readonly notDeepEqual: typeof notDeepStrictEqual;
  readonly deepStrictEqual: typeof deepStrictEqual;
  readonly notDeepStrictEqual: typeof notDeepStrictEqual;
  readonly strict: StrictAssert;
}

function strictAssert(value: unknown, message?: string | Error): asserts value {
  ok(value, message);
}

export const strict: StrictAssert = Object.assign(strictAssert, functions, { strict: undefined as unknown as StrictAssert });
(strict as { strict: StrictAssert }).strict = strict;

export default strict;
export {
  AssertionError, ok, match, doesNotMatch, throws, doesNotThrow, rejects, doesNotReject, strictEqual, notStrictEqual,
  deepStrictEqual, notDeepStrictEqual, strictEqual as equal, notStrictEqual as notEqual, deepStrictEqual as deepEqual,
  notDeepStrictEqual as notDeepEqual, failNow as fail,
};
