/** UTF-8 without TextEncoder/TextDecoder (the portable core has neither). */

/** Encodes a string; lone surrogates become U+FFFD, as TextEncoder does. */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = 0xfffd;
    } else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Decodes strict UTF-8; undefined for malformed input (overlong forms, surrogates, truncation). */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  let text = "";
  for (let i = 0; i < bytes.length; ) {
    const first = bytes[i];
    let code: number;
    let extra: number;
    let min: number;
    if (first < 0x80) {
      text += String.fromCharCode(first);
      i++;
      continue;
    } else if (first >= 0xc2 && first <= 0xdf) {
      code = first & 0x1f; extra = 1; min = 0x80;
    } else if (first >= 0xe0 && first <= 0xef) {
      code = first & 0x0f; extra = 2; min = 0x800;
    } else if (first >= 0xf0 && first <= 0xf4) {
      code = first & 0x07; extra = 3; min = 0x10000;
    } else return undefined;
    if (i + extra >= bytes.length) return undefined;
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    text += String.fromCodePoint(code);
    i += extra + 1;
  }
  return text;
}

/** Bytes are all printable ASCII (0x20..0x7e). */
export function isPrintableAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return false;
  return true;
}
