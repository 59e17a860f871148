import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { Log } from "../../src/interfaces/index.js";
import { parseVoc } from "../../models/data/voc.js";

/**
 * The VOC file that labels an image: `<stem>.xml` beside it, or in an
 * `annotations/` folder beside its `images/` folder. Undefined when neither exists.
 */
export function annotationPathFor(imagePath: string): string | undefined {
  const stem = basename(imagePath, extname(imagePath));
  const folder = dirname(imagePath);
  const candidates = [join(folder, `${stem}.xml`), join(dirname(folder), "annotations", `${stem}.xml`)];
  return candidates.find((candidate) => existsSync(candidate));
}

export interface TruthSummary {
  /** Labelled faces over all shown images; null unless every shown image is labelled. */
  readonly peopleTrue: number | null;
  /** Share of labelled faces wearing a mask properly; null as above or when there are no faces. */
  readonly maskedShareTrue: number | null;
  readonly labelledImages: number;
  readonly unlabelledImages: number;
}

/**
 * Ground truth of a run from VOC labels: every shown image is taken as a
 * distinct scene, so each labelled face is one passage. "mask_weared_incorrect"
 * counts as unmasked, as in the model's training labels.
 */
export class GroundTruth {
  #log: Log;
  #people = 0;
  #masked = 0;
  #labelled = 0;
  #unlabelled = 0;

  constructor(log: Log) {
    this.#log = log;
  }

  add(imagePath: string): void {
    const path = annotationPathFor(imagePath);
    if (path === undefined) {
      this.#unlabelled++;
      return;
    }
    try {
      const faces = parseVoc(readFileSync(path, "utf8"), path).faces;
      this.#people += faces.length;
      this.#masked += faces.filter((face) => face.cls === "mask").length;
      this.#labelled++;
    } catch (error) {
      this.#unlabelled++;
      this.#log.write("warn", "truth.bad_label", { file: basename(path), reason: error instanceof Error ? error.message : String(error) });
    }
  }

  summary(): TruthSummary {
    const complete = this.#labelled > 0 && this.#unlabelled === 0;
    return {
      peopleTrue: complete ? this.#people : null,
      maskedShareTrue: complete && this.#people > 0 ? this.#masked / this.#people : null,
      labelledImages: this.#labelled,
      unlabelledImages: this.#unlabelled,
    };
  }
}
