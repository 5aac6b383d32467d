/**
 * SA-1B loader: a folder of per-image JSON files `{image: {image_id, width, height, file_name},
 * annotations: [{id, segmentation: {size, counts}, bbox, area, ...}]}` with the images beside them (the
 * layout of the SA-1B tar shards: `sa_1.jpg` + `sa_1.json`). JSON files are read in sorted name order.
 * SA-1B masks are class-agnostic: every object gets category 1 ("object") and iscrowd 0.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { readJsonFile } from "../util/fs.ts";
import { sha256Bytes } from "../util/hash.ts";
import type { Dataset } from "./dataset.ts";
import { checkImagesExist, createIndexedDataset } from "./_indexed_dataset.ts";
import { parseCocoJson } from "./_parse_coco_json.ts";

/** Options of {@link loadSa1bDataset}. */
export interface LoadSa1bDatasetOptions {
  /**
   * Keep only the first N images (sorted JSON names).
   * @default null
   */
  limit?: number | null;
  /**
   * Name recorded in the description.
   * @default "sa1b:<dir>"
   */
  name?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Opens an SA-1B folder.
 *
 * @param dir Folder with `*.json` + images.
 * @param options Limit and name.
 * @returns The dataset.
 * @throws {SamqError} `not_found` (missing folder), `invalid_json`, `invalid_dataset` (no JSON files,
 *   malformed records with `field` = JSON pointer inside the named file, missing image files).
 */
export async function loadSa1bDataset(dir: string, options: LoadSa1bDatasetOptions = {}): Promise<Dataset> {
  const limit = options.limit ?? null;
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot open SA-1B dataset "${dir}": folder does not exist`, {
        path: dir,
        cause: e,
      });
    }
    throw e;
  }
  names.sort();
  if (names.length === 0) {
    throw new SamqError("invalid_dataset", `Cannot open SA-1B dataset "${dir}": no *.json files found`, {
      path: dir,
    });
  }
  const used = limit === null ? names : names.slice(0, limit);
  const combined = {
    images: [] as unknown[],
    annotations: [] as unknown[],
    categories: [{ id: 1, name: "object" }],
  };
  const digests: string[] = [];
  for (const name of used) {
    const path = join(dir, name);
    digests.push(sha256Bytes(await Deno.readFile(path)));
    const json = await readJsonFile(path);
    const fail = (field: string, msg: string): never => {
      throw new SamqError("invalid_dataset", `Cannot load SA-1B file "${path}": ${msg}`, { path, field });
    };
    if (!isRecord(json) || !isRecord(json.image)) return fail("/image", `field "image" must be an object`);
    if (!Array.isArray(json.annotations)) return fail("/annotations", `field "annotations" must be a list`);
    const img = json.image;
    combined.images.push({
      id: img.image_id,
      width: img.width,
      height: img.height,
      file_name: img.file_name,
    });
    json.annotations.forEach((a, i) => {
      if (!isRecord(a)) return fail(`/annotations/${i}`, `record /annotations/${i} must be an object`);
      if (a.segmentation === undefined) {
        return fail(`/annotations/${i}/segmentation`, `annotation ${String(a.id)} has no segmentation`);
      }
      combined.annotations.push({ ...a, image_id: img.image_id, category_id: 1, iscrowd: 0 });
    });
  }
  const { images, categories } = parseCocoJson(combined, { annotationPath: dir, imageDir: dir, limit: null });
  await checkImagesExist(images, dir);
  return createIndexedDataset({
    name: options.name ?? `sa1b:${dir}`,
    kind: "sa1b",
    annotationPath: dir,
    imageDir: dir,
    images,
    categories,
    limit,
    annotationDigest: new TextEncoder().encode(digests.join("\n")),
  });
}
