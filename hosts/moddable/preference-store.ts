/**
 * The core's Store over the SDK's Preference (ESP32 NVS): one domain, string
 * values only. NVS limits keys to 15 characters and values to 4000 bytes
 * (src/interfaces/store.ts); a write that NVS refuses (full, worn) throws
 * with the reason, as the Store contract asks.
 */
import Preference from "preference";
import { STORE_MAX_KEY_LENGTH, STORE_MAX_VALUE_BYTES, type Store } from "../../src/interfaces/index.js";
import { utf8Length } from "../../src/uplink/utf8.js";

export const STORE_DOMAIN = "ephemera";

export class PreferenceStore implements Store {
  readonly #domain: string;

  constructor(domain: string = STORE_DOMAIN) {
    if (domain.length === 0 || domain.length > STORE_MAX_KEY_LENGTH) throw new RangeError(`store: domain "${domain}" must be 1..${STORE_MAX_KEY_LENGTH} characters`);
    this.#domain = domain;
  }

  get(key: string): string | undefined {
    const value = Preference.get(this.#domain, key);
    return typeof value === "string" ? value : undefined;
  }

  set(key: string, value: string): void {
    if (key.length === 0 || key.length > STORE_MAX_KEY_LENGTH) throw new RangeError(`store: key "${key}" must be 1..${STORE_MAX_KEY_LENGTH} characters`);
    const bytes = utf8Length(value);
    if (bytes > STORE_MAX_VALUE_BYTES) throw new RangeError(`store: value for "${key}" is ${bytes} bytes, over ${STORE_MAX_VALUE_BYTES}`);
    try {
      Preference.set(this.#domain, key, value);
    } catch (error) {
      throw new Error(`store: cannot write "${key}" (${bytes} bytes): ${String(error)}`, { cause: error });
    }
  }

  delete(key: string): void {
    Preference.delete(this.#domain, key);
  }

  keys(): string[] {
    return Preference.keys(this.#domain);
  }
}
