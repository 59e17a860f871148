/** PASCAL VOC annotations of the face-mask photos, reduced to what the recipe needs. */

/** "no_mask" covers both `without_mask` and `mask_weared_incorrect`. */
export type FaceClass = "mask" | "no_mask";

export const FACE_CLASSES: readonly FaceClass[] = Object.freeze(["mask", "no_mask"]);

/** A labelled face, in the photo's pixels (x1, y1 exclusive). */
export interface Face {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly cls: FaceClass;
}

export interface Annotation {
  /** The photo's file name as the annotation gives it (may be empty). */
  readonly filename: string;
  /** Declared image size; 0 when the annotation does not say. */
  readonly width: number;
  readonly height: number;
  readonly faces: readonly Face[];
}

const CLASS_OF_NAME: Readonly<Record<string, FaceClass>> = Object.freeze({
  with_mask: "mask",
  without_mask: "no_mask",
  mask_weared_incorrect: "no_mask",
});

/** Raised for an annotation that cannot be used; the message names the file. */
export class AnnotationError extends Error {
  constructor(readonly source: string, detail: string) {
    super(`${source}: malformed annotation: ${detail}`);
    this.name = "AnnotationError";
  }
}

function firstTag(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match ? match[1] : undefined;
}

function allTags(xml: string, tag: string): string[] {
  const found: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
  for (let match = re.exec(xml); match; match = re.exec(xml)) found.push(match[1]);
  return found;
}

function numberIn(xml: string, tag: string, source: string, what: string): number {
  const text = firstTag(xml, tag);
  if (text === undefined) throw new AnnotationError(source, `${what} has no <${tag}>`);
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new AnnotationError(source, `${what} <${tag}> is not a number: "${text.trim()}"`);
  }
  return value;
}

/**
 * Parses one VOC file. Throws AnnotationError (naming `source`) when the XML is
 * not an <annotation>, an object lacks a known class or a valid box. Boxes are
 * clipped to the declared image size when there is one.
 */
export function parseVoc(xml: string, source: string): Annotation {
  const body = firstTag(xml, "annotation");
  if (body === undefined) throw new AnnotationError(source, "no <annotation> element");
  const sizeXml = firstTag(body, "size");
  const width = sizeXml === undefined ? 0 : numberIn(sizeXml, "width", source, "<size>");
  const height = sizeXml === undefined ? 0 : numberIn(sizeXml, "height", source, "<size>");
  const faces: Face[] = [];
  allTags(body, "object").forEach((objectXml, index) => {
    const what = `object ${index + 1}`;
    const name = firstTag(objectXml, "name")?.trim();
    if (name === undefined) throw new AnnotationError(source, `${what} has no <name>`);
    const cls = CLASS_OF_NAME[name];
    if (cls === undefined) throw new AnnotationError(source, `${what} has unknown class "${name}"`);
    const box = firstTag(objectXml, "bndbox");
    if (box === undefined) throw new AnnotationError(source, `${what} has no <bndbox>`);
    let x0 = numberIn(box, "xmin", source, what);
    let y0 = numberIn(box, "ymin", source, what);
    let x1 = numberIn(box, "xmax", source, what);
    let y1 = numberIn(box, "ymax", source, what);
    if (width > 0) [x0, x1] = [Math.max(0, x0), Math.min(width, x1)];
    if (height > 0) [y0, y1] = [Math.max(0, y0), Math.min(height, y1)];
    if (!(x1 > x0 && y1 > y0)) throw new AnnotationError(source, `${what} has an empty box`);
    faces.push({ x0, y0, x1, y1, cls });
  });
  const filename = firstTag(body, "filename")?.trim() ?? "";
  return { filename, width, height, faces };
}
