const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries([...ALPHABET].map((char, index) => [char, index])));

/** Decodes standard base64 (with padding, no whitespace); undefined when malformed. */
export function base64Decode(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    let group = 0;
    for (let k = 0; k < 4; k++) {
      const char = text[i + k];
      const isPad = char === "=" && i + 4 === text.length && k >= 4 - padding;
      const value = isPad ? 0 : VALUES[char];
      if (value === undefined) return undefined;
      group = (group << 6) | value;
    }
    for (let k = 0; k < 3 && at < out.length; k++) out[at++] = (group >> (16 - 8 * k)) & 0xff;
  }
  return out;
}
