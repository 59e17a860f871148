/**
 * The subset of Node's assert that the project's tests use, for the XS test
 * host (XS has no Node modules): "node:assert" and "node:assert/strict" are
 * mapped to assert.ts and assert-strict.ts, which re-export this.
 * Deep equality is always the strict kind (prototypes, types, Object.is): a
 * loose deepEqual that Node would accept may fail here, never the reverse.
 */

export class AssertionError extends Error {
  readonly actual: unknown;
  readonly expected: unknown;
  readonly operator: string;
  readonly code = "ERR_ASSERTION";

  constructor(options: { message?: string; actual?: unknown; expected?: unknown; operator: string }) {
    super(options.message ?? `${describe(options.actual)} ${options.operator} ${describe(options.expected)}`);
    this.name = "AssertionError";
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator;
  }
}

type Message = string | Error | undefined;

function fail(message: Message, actual: unknown, expected: unknown, operator: string, fallback?: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message ?? fallback, actual, expected, operator });
}

/** A short printable form of a value for failure messages. */
export function describe(value: unknown, depth = 0): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (typeof value !== "object" || value === null) return Object.is(value, -0) ? "-0" : String(value);
  if (depth > 2) return "[Object]";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number>).slice(0, 16).join(", ");
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length}) [${items}${(value as unknown as ArrayLike<number>).length > 16 ? ", ..." : ""}]`;
  }
  if (Array.isArray(value)) return `[${value.slice(0, 16).map((item) => describe(item, depth + 1)).join(", ")}${value.length > 16 ? ", ..." : ""}]`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof RegExp) return String(value);
  const entries = Object.keys(value).slice(0, 16).map((key) => `${key}: ${describe((value as Record<string, unknown>)[key], depth + 1)}`);
  return `{ ${entries.join(", ")} }`;
}

/** Node's isDeepStrictEqual, for the value kinds tests compare. */
export function isDeepStrictEqual(a: unknown, b: unknown, seen: Map<object, object> = new Map()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === (b as Date).getTime() || (Number.isNaN(a.getTime()) && Number.isNaN((b as Date).getTime()));
  if (a instanceof RegExp) return String(a) === String(b) && a.lastIndex === (b as RegExp).lastIndex;
  if (a instanceof Error && (a.message !== (b as Error).message || a.name !== (b as Error).name)) return false;
  if (a instanceof ArrayBuffer) return isDeepStrictEqual(new Uint8Array(a), new Uint8Array(b as ArrayBuffer), seen);
  if (ArrayBuffer.isView(a)) {
    if (a instanceof DataView) return isDeepStrictEqual(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array((b as DataView).buffer, (b as DataView).byteOffset, (b as DataView).byteLength), seen);
    const left = a as unknown as ArrayLike<unknown>;
    const right = b as unknown as ArrayLike<unknown>;
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (!Object.is(left[i], right[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) {
      if (!other.has(key) || !isDeepStrictEqual(value, other.get(key), seen)) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    if (a.size !== other.size) return false;
    for (const value of a) if (!other.has(value)) return false;
    return true;
  }
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  const keysA = Reflect.ownKeys(a).filter((key) => Object.prototype.propertyIsEnumerable.call(a, key));
  const keysB = Reflect.ownKeys(b).filter((key) => Object.prototype.propertyIsEnumerable.call(b, key));
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.prototype.propertyIsEnumerable.call(b, key)) return false;
    if (!isDeepStrictEqual((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key], seen)) return false;
  }
  return true;
}

export function ok(value: unknown, message?: Message): asserts value {
  if (!value) fail(message, value, true, "==", `The expression evaluated to a falsy value: ${describe(value)}`);
}

export function strictEqual<T>(actual: unknown, expected: T, message?: Message): asserts actual is T {
  if (!Object.is(actual, expected)) fail(message, actual, expected, "strictEqual", `Expected values to be strictly equal: ${describe(actual)} !== ${describe(expected)}`);
}

export function notStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (Object.is(actual, expected)) fail(message, actual, expected, "notStrictEqual", `Expected "actual" to be strictly unequal to: ${describe(expected)}`);
}

export function looseEqual(actual: unknown, expected: unknown, message?: Message): void {
  // Node's legacy assert.equal is ==, with NaN equal to NaN.
  if (!(actual == expected || (actual !== actual && expected !== expected))) fail(message, actual, expected, "==");
}

export function looseNotEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (actual == expected || (actual !== actual && expected !== expected)) fail(message, actual, expected, "!=");
}

export function deepStrictEqual<T>(actual: unknown, expected: T, message?: Message): asserts actual is T {
  if (!isDeepStrictEqual(actual, expected)) fail(message, actual, expected, "deepStrictEqual", `Expected values to be strictly deep-equal: ${describe(actual)} vs ${describe(expected)}`);
}

export function notDeepStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (isDeepStrictEqual(actual, expected)) fail(message, actual, expected, "notDeepStrictEqual", `Expected "actual" not to be strictly deep-equal to: ${describe(expected)}`);
}

export function match(value: string, pattern: RegExp, message?: Message): void {
  if (typeof value !== "string" || !pattern.test(value)) fail(message, value, pattern, "match", `The input did not match the regular expression ${String(pattern)}. Input: ${describe(value)}`);
}

export function doesNotMatch(value: string, pattern: RegExp, message?: Message): void {
  if (typeof value !== "string" || pattern.test(value)) fail(message, value, pattern, "doesNotMatch", `The input was expected to not match the regular expression ${String(pattern)}. Input: ${describe(value)}`);
}

export function failNow(message: Message = "Failed"): never {
  fail(message, undefined, undefined, "fail");
}

type ErrorClass = abstract new (...args: never[]) => unknown;
type Expected = RegExp | ErrorClass | ((error: unknown) => boolean) | Record<string, unknown> | Error;

function isErrorClass(expected: Expected): expected is ErrorClass {
  return typeof expected === "function" && (expected.prototype instanceof Error || expected === Error);
}

/** Checks a thrown value against `expected` the way Node's assert.throws does. */
function checkThrown(thrown: unknown, expected: Expected | undefined, message: Message, operator: string): void {
  if (expected === undefined) return;
  if (expected instanceof RegExp) {
    if (!expected.test(String(thrown))) fail(message, thrown, expected, operator, `The error did not match ${String(expected)}: ${describe(thrown)}`);
    return;
  }
  if (isErrorClass(expected)) {
    if (!(thrown instanceof expected)) fail(message, thrown, expected, operator, `The error is expected to be an instance of "${expected.name}". Received ${describe(thrown)}`);
    return;
  }
  if (typeof expected === "function") {
    if ((expected as (error: unknown) => boolean)(thrown) !== true) fail(message, thrown, expected, operator, `The validation function did not return true for ${describe(thrown)}`);
    return;
  }
  if (typeof thrown !== "object" || thrown === null) fail(message, thrown, expected, operator, `Expected an object to be thrown, got ${describe(thrown)}`);
  const keys = Object.keys(expected);
  if (expected instanceof Error) keys.push("name", "message");
  for (const key of keys) {
    const want = (expected as unknown as Record<string, unknown>)[key];
    const got = (thrown as Record<string, unknown>)[key];
    const same = want instanceof RegExp && typeof got === "string" ? want.test(got) : isDeepStrictEqual(got, want);
    if (!same) fail(message, thrown, expected, operator, `The error's "${key}" is ${describe(got)}, expected ${describe(want)}`);
  }
}

export function throws(fn: () => unknown, expected?: Expected | string, message?: Message): void {
  if (typeof expected === "string") {
    message = expected;
    expected = undefined;
  }
  try {
    fn();
  } catch (error) {
    checkThrown(error, expected, message, "throws");
    return;
  }
  fail(message, undefined, expected, "throws", "Missing expected exception.");
}

export function doesNotThrow(fn: () => unknown, message?: Message): void {
  try {
    fn();
  } catch (error) {
    fail(message, error, undefined, "doesNotThrow", `Got unwanted exception: ${describe(error)}`);
  }
}

export async function rejects(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), expected?: Expected | string, message?: Message): Promise<void> {
  if (typeof expected === "string") {
    message = expected;
    expected = undefined;
  }
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    checkThrown(error, expected, message, "rejects");
    return;
  }
  fail(message, undefined, expected, "rejects", "Missing expected rejection.");
}

export async function doesNotReject(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), message?: Message): Promise<void> {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    fail(message, error, undefined, "doesNotReject", `Got unwanted rejection: ${describe(error)}`);
  }
}
