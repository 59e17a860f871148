import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A bearer token: 32 random bytes, base64url. Shown once to the operator; only its hash is kept. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Well-formed token text (43 base64url characters); anything else is refused before hashing. */
export function isTokenShaped(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

/**
 * Hash at rest. Tokens carry 256 random bits, so a plain SHA-256 is enough:
 * there is nothing to brute-force, and a salt would add nothing.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time comparison of two hex hashes. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
