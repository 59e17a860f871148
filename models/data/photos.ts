import { readFileSync } from "node:fs";
import { type VocEntry, listVoc, readAnnotation } from "./dataset.js";
import { decodeGray } from "./gray-image.js";
import type { LabelledPhoto } from "./samples.js";

/** Loads (decodes) the named photos of a VOC folder with their faces. Any unreadable one throws. */
export function loadPhotos(dir: string, names: readonly string[]): LabelledPhoto[] {
  const byName = new Map<string, VocEntry>(listVoc(dir).map((entry) => [entry.name, entry]));
  return names.map((name) => {
    const entry = byName.get(name);
    if (!entry) throw new Error(`${dir}: no photo named ${name}`);
    const image = decodeGray(readFileSync(entry.imagePath), entry.imagePath);
    const annotation = readAnnotation(entry);
    if (annotation.width > 0 && (annotation.width !== image.width || annotation.height !== image.height)) {
      throw new Error(`${entry.annotationPath}: size ${annotation.width}x${annotation.height} but the image is ${image.width}x${image.height}`);
    }
    return { name, image, faces: annotation.faces };
  });
}
