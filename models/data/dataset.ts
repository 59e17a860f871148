import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { type Annotation, parseVoc } from "./voc.js";

/** One photo of a VOC folder (images/<stem>.jpg beside annotations/<stem>.xml). */
export interface VocEntry {
  /** The image's file name, e.g. "maksssksksss0.jpg": the key of splits and detections. */
  readonly name: string;
  readonly imagePath: string;
  readonly annotationPath: string;
}

const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png"]);

/** Numeric-aware order, so "x2" comes before "x10". */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * Lists the photos of a VOC folder, sorted by name. A photo without an
 * annotation file is listed too (its annotation path then does not exist, and
 * loading it reports that).
 */
export function listVoc(dir: string): VocEntry[] {
  const imagesDir = join(dir, "images");
  const annotationsDir = join(dir, "annotations");
  let names: string[];
  try {
    names = readdirSync(imagesDir);
  } catch (error) {
    throw new Error(`${imagesDir}: not a folder of images (expected DIR/images/*.jpg and DIR/annotations/*.xml)`, {
      cause: error,
    });
  }
  return names
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort(compareNames)
    .map((name) => ({
      name,
      imagePath: join(imagesDir, name),
      annotationPath: join(annotationsDir, `${basename(name, extname(name))}.xml`),
    }));
}

/** Reads and parses an entry's annotation; throws an error naming the file. */
export function readAnnotation(entry: VocEntry): Annotation {
  let xml: string;
  try {
    xml = readFileSync(entry.annotationPath, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : String(error);
    throw new Error(`${entry.annotationPath}: unreadable annotation: ${reason}`, { cause: error });
  }
  return parseVoc(xml, entry.annotationPath);
}

/** The shared data set's folder, relative to the repository root. */
export const SHARED_DATA_DIR = join("..", "shared", "data", "face-mask");
