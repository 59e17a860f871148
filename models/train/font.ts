/** A 3x5 pixel font for chart labels (digits, capitals and a few signs); lower case maps to capitals. */
const GLYPHS: Readonly<Record<string, string>> = Object.freeze({
  "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
  "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001010010010",
  "8": "111101111101111", "9": "111101111001111", A: "010101111101101", B: "110101110101110",
  C: "011100100100011", D: "110101101101110", E: "111100110100111", F: "111100110100100",
  G: "011100101101011", H: "101101111101101", I: "111010010010111", J: "001001001101010",
  K: "101101110101101", L: "100100100100111", M: "101111111101101", N: "110101101101101",
  O: "010101101101010", P: "110101110100100", Q: "010101101110011", R: "110101110101101",
  S: "011100010001110", T: "111010010010010", U: "101101101101111", V: "101101101101010",
  W: "101101111111101", X: "101101010101101", Y: "101101010010010", Z: "111001010100111",
  ".": "000000000000010", ",": "000000000010100", "-": "000000111000000", ":": "000010000010000",
  "/": "001001010100100", "%": "101001010100101", "(": "010100100100010", ")": "010001001001010",
  "=": "000111000111000", "_": "000000000000111", " ": "000000000000000", "+": "000010111010000",
});

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Calls plot(x, y) for each lit pixel of `text` at (x, y), `scale` pixels per font pixel. */
export function drawText(text: string, x: number, y: number, scale: number, plot: (x: number, y: number) => void): void {
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const glyph = GLYPHS[ch] ?? GLYPHS[" "];
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (glyph[row * GLYPH_WIDTH + col] !== "1") continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) plot(cx + col * scale + dx, y + row * scale + dy);
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}

export function textWidth(text: string, scale: number): number {
  return text.length * (GLYPH_WIDTH + 1) * scale - scale;
}
