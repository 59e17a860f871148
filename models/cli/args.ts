/** Minimal `--key value` / `--flag` parsing for the recipe's commands. */
export class Args {
  readonly #values = new Map<string, string | true>();

  constructor(argv: readonly string[], readonly usage: string) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"\n${usage}`);
      const key = arg.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        this.#values.set(key, next);
        i++;
      } else {
        this.#values.set(key, true);
      }
    }
  }

  string(key: string, fallback: string): string;
  string(key: string): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    const value = this.#values.get(key);
    if (value === true) throw new Error(`--${key} needs a value\n${this.usage}`);
    return value ?? fallback;
  }

  number(key: string, fallback: number): number {
    const text = this.string(key);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new Error(`--${key}: not a number: ${text}\n${this.usage}`);
    return value;
  }

  flag(key: string): boolean {
    return this.#values.get(key) === true;
  }

  /** Throws on any key not in `known`. */
  only(known: readonly string[]): this {
    for (const key of this.#values.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}\n${this.usage}`);
    return this;
  }
}

/** Runs a command's main, printing an error's message (not its stack) and exiting 1 on failure. */
export function runMain(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}

export function isMain(url: string): boolean {
  return url === `file://${process.argv[1]}`;
}
