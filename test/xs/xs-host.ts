/**
 * The globals of the XS test host (hosts/xs/main.c), typed. Read through
 * globalThis so that no global declaration leaks into the rest of the project.
 */
export interface XsHost {
  /** Arguments after the module path on the host's command line. */
  readonly args: readonly string[];
  /** Bytes in one XS slot on this machine (32 on x86_64, 16 on the ESP32). */
  readonly slotSize: number;
  /** The engine's computation meter (computrons) since the run started; wraps at 2^32. */
  meter(): number;
  /** Slots in use: grows by one per slot allocated, recounted (live only) by each collection. */
  slots(): number;
  /** Chunk bytes in use: grows with each chunk allocated, recounted by each collection. */
  chunks(): number;
  /** Runs a full garbage collection. */
  gc(): void;
  /** Milliseconds since the Unix epoch (wall clock, for progress output only). */
  now(): number;
  readFile(path: string): ArrayBuffer;
  setExitCode(code: number): void;
}

interface XsGlobals {
  readonly xsHost?: XsHost;
  readonly print?: (...values: unknown[]) => void;
}

const globals = globalThis as unknown as XsGlobals;

/** True inside the XS test host. */
export const insideXs = globals.xsHost !== undefined;

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name}: this module runs inside the XS test host (npm run test:xs)`);
  return value;
}

export function xsHost(): XsHost {
  return required(globals.xsHost, "xsHost");
}

/** One line on stdout. */
export function print(...values: unknown[]): void {
  required(globals.print, "print")(...values);
}
