import { base64Decode } from "./base64.js";

/** Largest CA text accepted: one store value. */
export const MAX_CA_PEM_BYTES = 4000;
/** A chain of more than this many certificates is not a CA for one collector. */
export const MAX_CA_CERTIFICATES = 4;

export type PemCheck = { readonly ok: true; readonly certificates: number } | { readonly ok: false; readonly problem: string };

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/**
 * The structural check the device can do on its own: PEM certificate blocks
 * and nothing else, base64 that decodes to a DER SEQUENCE, within size.
 * Whether the CA really vouches for the collector is checked by connecting.
 */
export function checkCaPem(text: string): PemCheck {
  if (text.length === 0) return { ok: false, problem: "is empty" };
  if (text.length > MAX_CA_PEM_BYTES) return { ok: false, problem: `is ${text.length} bytes, the limit is ${MAX_CA_PEM_BYTES}` };
  if (/PRIVATE KEY/.test(text)) return { ok: false, problem: "holds a private key: send the CA certificate only" };
  // eslint-disable-next-line no-control-regex -- non-ASCII is exactly what is refused
  if (/[^\u0009\u000a\u000d\u0020-\u007e]/.test(text)) return { ok: false, problem: "is not ASCII PEM text" };
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  let certificates = 0;
  for (let i = 0; i < lines.length; ) {
    if (lines[i] !== BEGIN) return { ok: false, problem: `line "${lines[i].slice(0, 40)}" is outside a CERTIFICATE block` };
    const end = lines.indexOf(END, i + 1);
    if (end < 0) return { ok: false, problem: "has a CERTIFICATE block without its END line" };
    const der = base64Decode(lines.slice(i + 1, end).join(""));
    if (der === undefined || der.length < 64) return { ok: false, problem: "has a CERTIFICATE block that is not base64 DER" };
    if (der[0] !== 0x30) return { ok: false, problem: "has a CERTIFICATE block that is not a DER SEQUENCE" };
    certificates++;
    i = end + 1;
  }
  if (certificates === 0) return { ok: false, problem: "holds no CERTIFICATE block" };
  if (certificates > MAX_CA_CERTIFICATES) return { ok: false, problem: `holds ${certificates} certificates, the limit is ${MAX_CA_CERTIFICATES}` };
  return { ok: true, certificates };
}

/** FNV-1a 32-bit of the text, 8 hex digits: ties the saved settings to the saved CA and names it in the UI. */
export function caFingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
