/**
 * Detector boxes from a COCO bbox results file (spec §A4.3, DESIGN §3 detector-box mode).
 *
 * The file is a JSON array of `{image_id, category_id, bbox: [x, y, w, h], score}` (extra keys such as
 * `segmentation` are ignored). Per image, detections are sorted by score descending with a stable sort
 * (ties keep file order, as pycocotools does), then filtered by `scoreThreshold` (score ≥ threshold) and
 * cut to `topK`. A detection for an image the dataset does not have is an error, not a silent drop.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { readJsonFile } from "../../util/fs.ts";

/** One detector box. */
export interface Detection {
  /** Image id (the dataset's). */
  imageId: number;
  /** Category id as given by the detector. */
  categoryId: number;
  /** [x, y, w, h] in pixels. */
  bboxXywh: [number, number, number, number];
  /** Detector score. */
  score: number;
  /** Index of the record in the file (0-based), for tracing. */
  index: number;
}

/** Options of {@link loadDetections}. */
export interface LoadDetectionsOptions {
  /**
   * Keep detections with score ≥ this.
   * @default 0
   */
  scoreThreshold?: number;
  /**
   * Keep at most this many per image; null = all.
   * @default null
   */
  topK?: number | null;
}

/**
 * Reads, validates and groups detections by image.
 *
 * @param path COCO results JSON file.
 * @param imageIds The dataset's image ids.
 * @param options Score threshold and top-k.
 * @returns Detections per image id (every dataset image has an entry, possibly empty), best first.
 * @throws {SamqError} `not_found` (missing file), `invalid_json` (bad JSON or record, `field` = JSON
 *   pointer), `invalid_file` (detection for an unknown image, `field` = `/i/image_id`).
 */
export async function loadDetections(
  path: string,
  imageIds: Iterable<number>,
  options: LoadDetectionsOptions = {},
): Promise<Map<number, Detection[]>> {
  const { scoreThreshold = 0, topK = null } = options;
  const json = await readJsonFile(path);
  if (!Array.isArray(json)) {
    throw new SamqError(
      "invalid_json",
      `Cannot read detections "${path}": expected a JSON array of results`,
      {
        path,
        field: "",
      },
    );
  }
  const byImage = new Map<number, Detection[]>();
  for (const id of imageIds) byImage.set(id, []);
  json.forEach((rec: unknown, index) => {
    const r = rec as Record<string, unknown>;
    const fail = (key: string, what: string) =>
      new SamqError("invalid_json", `Cannot read detections "${path}": record ${index} ${what}`, {
        path,
        field: `/${index}/${key}`,
      });
    if (typeof rec !== "object" || rec === null) throw fail("", "is not an object");
    if (typeof r.image_id !== "number") throw fail("image_id", "has no numeric image_id");
    if (typeof r.category_id !== "number") throw fail("category_id", "has no numeric category_id");
    if (typeof r.score !== "number" || !Number.isFinite(r.score)) throw fail("score", "has no numeric score");
    const b = r.bbox;
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw fail("bbox", "has no [x, y, w, h] bbox");
    }
    const list = byImage.get(r.image_id);
    if (!list) {
      throw new SamqError(
        "invalid_file",
        `Cannot use detections "${path}": record ${index} refers to image_id ${r.image_id}, which is not in the dataset`,
        { path, field: `/${index}/image_id` },
      );
    }
    list.push({
      imageId: r.image_id,
      categoryId: r.category_id,
      bboxXywh: b as [number, number, number, number],
      score: r.score,
      index,
    });
  });
  for (const [id, list] of byImage) {
    list.sort((a, b) => b.score - a.score); // stable: ties keep file order
    const kept = list.filter((d) => d.score >= scoreThreshold);
    byImage.set(id, topK === null ? kept : kept.slice(0, topK));
  }
  return byImage;
}
