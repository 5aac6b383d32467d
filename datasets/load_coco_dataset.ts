/**
 * COCO/LVIS-format instances loader: polygons, uncompressed RLE (crowd) and compressed RLE.
 *
 * The image folder is, in this order: `options.imageDir`; for a file at `<root>/annotations/
 * instances_<split>.json`, the folder `<root>/<split>`; `<root>/images`; the JSON's own folder — the
 * first that exists. Every image (after `limit`) must exist on disk.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists, readJsonFile } from "../util/fs.ts";
import type { Dataset } from "./dataset.ts";
import { checkImagesExist, createIndexedDataset } from "./_indexed_dataset.ts";
import { parseCocoJson } from "./_parse_coco_json.ts";

/** Options of {@link loadCocoDataset}. */
export interface LoadCocoDatasetOptions {
  /**
   * Folder the `file_name`s are relative to; derived from the JSON path when absent.
   * @default undefined
   */
  imageDir?: string;
  /**
   * Keep only the first N images in file order.
   * @default null
   */
  limit?: number | null;
  /**
   * Name recorded in the description (the spec it was opened with).
   * @default "coco:<path>"
   */
  name?: string;
  /**
   * Kind recorded in the description.
   * @default "coco"
   */
  kind?: "coco" | "synthetic";
}

async function findImageDir(annPath: string): Promise<string> {
  const dir = dirname(annPath);
  const candidates: string[] = [];
  const m = /^instances_(.+)\.json$/.exec(basename(annPath));
  if (m && basename(dir) === "annotations") candidates.push(join(dirname(dir), m[1]!));
  candidates.push(join(dirname(dir), "images"), join(dir, "images"), dir);
  for (const c of candidates) if (await exists(c)) return c;
  return dir;
}

/**
 * Opens a COCO/LVIS instances JSON as a dataset.
 *
 * @param path The instances JSON file.
 * @param options Image folder, limit and name.
 * @returns The dataset (annotations parsed, no pixels read).
 * @throws {SamqError} `not_found` (missing JSON), `invalid_json` (unparsable), `invalid_dataset`
 *   (malformed records, annotation without segmentation, missing image file; `field` names the record).
 *
 * @example Usage
 * ```ts ignore
 * import { loadCocoDataset } from "./load_coco_dataset.ts";
 * const ds = await loadCocoDataset("coco/annotations/instances_val2017.json", { limit: 10 });
 * for await (const s of ds.samples()) console.log(s.fileName, s.objects.length);
 * ```
 */
export async function loadCocoDataset(path: string, options: LoadCocoDatasetOptions = {}): Promise<Dataset> {
  const limit = options.limit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot open dataset "${path}": limit must be a positive integer`,
      {
        field: "limit",
      },
    );
  }
  const bytes = await Deno.readFile(path).catch((e) => {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot open dataset "${path}": file does not exist`, {
        path,
        cause: e,
      });
    }
    throw e;
  });
  const json = await readJsonFile(path);
  const imageDir = options.imageDir ?? await findImageDir(path);
  const { images, categories } = parseCocoJson(json, { annotationPath: path, imageDir, limit });
  await checkImagesExist(images, path);
  return createIndexedDataset({
    name: options.name ?? `coco:${path}`,
    kind: options.kind ?? "coco",
    annotationPath: path,
    imageDir,
    images,
    categories,
    limit,
    annotationDigest: bytes,
  });
}
