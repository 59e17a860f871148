/**
 * A small mocha-compatible BDD runner for the XS test host: describe / it /
 * hooks (sync, async or with a done callback), .skip, and `this.skip()`.
 * Tests written for mocha run unchanged. A skipped test is reported as
 * pending, never as passing. No timeouts: a test that never settles leaves
 * the host with nothing to run, and the host fails the run.
 */
import { describe as describeValue } from "./assert-core.js";
import { print, xsHost } from "./xs-host.js";

type Callback = (this: TestContext, done?: (error?: unknown) => void) => unknown;

interface Test {
  readonly title: string;
  readonly fn: Callback | undefined;
  readonly skipped: boolean;
}

interface Suite {
  readonly title: string;
  readonly parent: Suite | undefined;
  readonly skipped: boolean;
  readonly children: (Suite | Test)[];
  readonly before: Callback[];
  readonly after: Callback[];
  readonly beforeEach: Callback[];
  readonly afterEach: Callback[];
}

export interface RunResult {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

class SkipSignal extends Error {}

/** What `this` is inside tests and hooks: mocha's Context, reduced to what makes sense here. */
class TestContext {
  timeout(_ms?: number): this {
    return this;
  }
  slow(_ms?: number): this {
    return this;
  }
  retries(_count?: number): this {
    return this;
  }
  skip(): never {
    throw new SkipSignal("skipped");
  }
}

function newSuite(title: string, parent: Suite | undefined, skipped: boolean): Suite {
  return { title, parent, skipped, children: [], before: [], after: [], beforeEach: [], afterEach: [] };
}

const root = newSuite("", undefined, false);
let current = root;
let registrationOpen = true;

function isSuite(node: Suite | Test): node is Suite {
  return "children" in node;
}

function addSuite(title: string, body: () => void, skipped: boolean): void {
  if (!registrationOpen) throw new Error(`describe("${title}") after the run started`);
  const suite = newSuite(title, current, skipped || current.skipped);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    const result: unknown = body.call(new TestContext());
    if (result instanceof Promise) throw new Error(`describe("${title}") must not be async`);
  } finally {
    current = parent;
  }
}

function addTest(title: string, fn: Callback | undefined, skipped: boolean): void {
  if (!registrationOpen) throw new Error(`it("${title}") after the run started`);
  current.children.push({ title, fn, skipped: skipped || current.skipped || fn === undefined });
}

export const describe = Object.assign((title: string, body: () => void) => addSuite(title, body, false), {
  skip: (title: string, body: () => void) => addSuite(title, body, true),
});
export const it = Object.assign((title: string, fn?: Callback) => addTest(title, fn, false), {
  skip: (title: string, fn?: Callback) => addTest(title, fn, true),
});
export function before(fn: Callback): void {
  current.before.push(fn);
}
export function after(fn: Callback): void {
  current.after.push(fn);
}
export function beforeEach(fn: Callback): void {
  current.beforeEach.push(fn);
}
export function afterEach(fn: Callback): void {
  current.afterEach.push(fn);
}

/** UTF-8 length of a string, as Node's Buffer.byteLength(string, "utf8") gives it (a lone surrogate counts 3). */
export function utf8ByteLength(value: string, encoding: string = "utf8"): number {
  if (typeof value !== "string" || (encoding !== "utf8" && encoding !== "utf-8")) throw new TypeError("Buffer.byteLength in XS: UTF-8 strings only");
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Puts describe, it and the hooks on globalThis, as mocha does; a console that
 * prints (XS has none); and Buffer.byteLength, the one Buffer member the test
 * support code uses (launch.ts leaves out files that use any other).
 */
export function installGlobals(): void {
  const write = (...values: unknown[]): void => print(...values.map((value) => (typeof value === "string" ? value : describeValue(value))));
  const console = { log: write, info: write, warn: write, error: write, debug: write };
  const Buffer = Object.freeze({ byteLength: utf8ByteLength });
  Object.assign(globalThis, { describe, context: describe, it, specify: it, before, after, beforeEach, afterEach, console, Buffer });
}

/** Runs a test or hook function: returned promise or done callback. */
function invoke(fn: Callback, context: TestContext): Promise<void> {
  if (fn.length === 0) {
    try {
      return Promise.resolve(fn.call(context)).then(() => undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise<void>((resolve, reject) => {
    const done = (error?: unknown): void => (error === undefined || error === null ? resolve() : reject(error));
    try {
      const result = fn.call(context, done);
      if (result instanceof Promise) reject(new Error("a test takes a done callback or returns a promise, not both"));
    } catch (error) {
      reject(error);
    }
  });
}

interface Failure {
  readonly title: string;
  readonly error: unknown;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const heading = `${error.name}: ${error.message}`;
  // XS stacks start with the heading too.
  return error.stack ? (error.stack.startsWith(heading) ? error.stack : `${heading}\n${error.stack}`) : heading;
}

class Runner {
  passed = 0;
  pending = 0;
  readonly failures: Failure[] = [];

  fullTitle(suite: Suite | undefined, title: string): string {
    const parts = [title];
    for (let s = suite; s !== undefined; s = s.parent) if (s.title) parts.unshift(s.title);
    return parts.join(" ");
  }

  eachHooks(suite: Suite, kind: "beforeEach" | "afterEach"): Callback[] {
    const chain: Suite[] = [];
    for (let s: Suite | undefined = suite; s !== undefined; s = s.parent) chain.unshift(s);
    const hooks = chain.flatMap((s) => s[kind]);
    return kind === "afterEach" ? hooks.reverse() : hooks;
  }

  async runSuite(suite: Suite, depth: number): Promise<void> {
    const indent = "  ".repeat(depth);
    if (suite.title) print(`${indent}${suite.title}`);
    const context = new TestContext();
    const hasTests = (node: Suite): boolean => node.children.some((child) => (isSuite(child) ? hasTests(child) : !child.skipped));
    const active = hasTests(suite);
    try {
      if (active) for (const hook of suite.before) await invoke(hook, context);
    } catch (error) {
      this.failures.push({ title: this.fullTitle(suite, '"before all" hook'), error });
      print(`${indent}  x "before all" hook failed`);
      return;
    }
    for (const child of suite.children) {
      if (isSuite(child)) await this.runSuite(child, depth + 1);
      else await this.runTest(suite, child, depth + 1, context);
    }
    try {
      if (active) for (const hook of suite.after) await invoke(hook, context);
    } catch (error) {
      this.failures.push({ title: this.fullTitle(suite, '"after all" hook'), error });
      print(`${indent}  x "after all" hook failed`);
    }
  }

  async runTest(suite: Suite, test: Test, depth: number, context: TestContext): Promise<void> {
    const indent = "  ".repeat(depth);
    if (test.skipped || test.fn === undefined) {
      this.pending++;
      print(`${indent}- ${test.title} (pending)`);
      return;
    }
    let failure: unknown;
    let skipped = false;
    const started = xsHost().now();
    try {
      for (const hook of this.eachHooks(suite, "beforeEach")) await invoke(hook, context);
      await invoke(test.fn, context);
    } catch (error) {
      if (error instanceof SkipSignal) skipped = true;
      else failure = error;
    }
    try {
      for (const hook of this.eachHooks(suite, "afterEach")) await invoke(hook, context);
    } catch (error) {
      failure ??= error;
    }
    if (skipped && failure === undefined) {
      this.pending++;
      print(`${indent}- ${test.title} (skipped)`);
    } else if (failure === undefined) {
      this.passed++;
      print(`${indent}ok ${test.title} (${Math.round(xsHost().now() - started)} ms)`);
    } else {
      this.failures.push({ title: this.fullTitle(suite, test.title), error: failure });
      print(`${indent}x ${test.title}`);
    }
  }
}

/** Counts the tests registered so far (to spot a file that registered none). */
export function registeredTestCount(): number {
  const count = (suite: Suite): number => suite.children.reduce((sum, child) => sum + (isSuite(child) ? count(child) : 1), 0);
  return count(root);
}

export async function runAll(): Promise<RunResult> {
  registrationOpen = false;
  const runner = new Runner();
  await runner.runSuite(root, 0);
  print("");
  print(`${runner.passed} passing`);
  if (runner.pending > 0) print(`${runner.pending} pending`);
  if (runner.failures.length > 0) {
    print(`${runner.failures.length} failing`);
    runner.failures.forEach((failure, index) => {
      print("");
      print(`${index + 1}) ${failure.title}:`);
      print(errorText(failure.error));
    });
  }
  return { passed: runner.passed, failed: runner.failures.length, pending: runner.pending };
}
