/** A bad device configuration. `key` names the offending key, e.g. "windowMinutes" or "roi.width". */
export class ConfigError extends Error {
  readonly key: string;

  constructor(key: string, problem: string) {
    super(`config: "${key}" ${problem}`);
    this.name = "ConfigError";
    this.key = key;
  }
}
