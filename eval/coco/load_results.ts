/**
 * Detection results → a struct-of-arrays table, with pycocotools' `loadRes` semantics (coco.py:305-364,
 * spec §B2.3), without mutating the caller's objects.
 *
 * - The branch is decided by the **first** result only: a non-empty `bbox` → bbox branch, otherwise
 *   `segmentation` → segm branch (captions and keypoints are not supported).
 * - bbox branch: area = w·h; a missing `segmentation` becomes the box polygon
 *   [[x1, y1, x1, y2, x2, y2, x2, y1]]. A segm result that also carries `bbox` therefore gets the **box**
 *   area (this changes small/medium/large buckets), exactly as pycocotools; drop `bbox` to avoid it.
 * - segm branch: area = mask area, bbox = `rleToBbox` when absent.
 * - Result i gets id = i + 1 and iscrowd = 0 (any given `id` is overwritten, as in pycocotools).
 *
 * Storage (why: 500,000 results as objects with one small typed array each cost seconds of GC and GBs):
 * `imageId`, `categoryId`, `score`, `area` are `Float64Array`s indexed by result position, `bbox` is n×4
 * ([x, y, w, h] at 4i), and for `iouType` "segm" every result's mask sits in one {@link RleStore}
 * (mask i = result i; compressed strings are validated, measured and kept as strings, see rle_store.ts).
 *
 * Unknown categories (as pycocotools): a result whose `category_id` is not a GT category is loaded (it keeps
 * its id i + 1 and is validated like the others) but never evaluated, because COCOeval only looks at the
 * GT's `catIds`, with or without `useCats`; `unknownCategoryCount` and `unknownCategoryIds` say how many and
 * which, so callers can warn.
 *
 * Unknown images (as pycocotools, whose `loadRes` asserts that the results' image ids are a subset of the
 * GT's): `not_found` at the first such result, with the number of such results and images.
 *
 * A segm-branch result without `bbox` (or with `"bbox": []`) gets `rleToBbox` of its mask, like
 * `maskUtils.toBbox` in `loadRes`.
 *
 * Stricter than pycocotools (each would crash it or give undefined results later): a missing or non-numeric
 * `image_id`, `category_id` or `score` (even on an ignored result), a missing `bbox` after a first result
 * with one (`invalid_file`), a mask whose `size` differs from its image (`invalid_file`). Every error names
 * the record as a JSON pointer ("/12/score").
 *
 * Empty results: pycocotools raises `IndexError`; here an empty list gives a table with no results, and the
 * evaluation then reads as "nothing was detected": every category with GT has precision 0 and recall 0
 * (so AP = AR = 0), categories without GT stay −1 and are excluded.
 *
 * @module
 */
import type { CocoGt, CocoImage } from "./coco_gt.ts";
import { fail, isRecord, optBox, reqNumber, type Where } from "./_validate.ts";
import { annToRle } from "../../mask/ann_to_rle.ts";
import { RleStore } from "../../mask/rle_store.ts";
import { SamqError } from "../../util/errors.ts";

/** The IoU types supported by the evaluator. */
export const IOU_TYPES = ["segm", "bbox"] as const;
/** One of {@link IOU_TYPES}. */
export type IouType = typeof IOU_TYPES[number];

/** Options of {@link loadResults}. */
export interface LoadResultsOptions {
  /** File name used in error messages. */
  path?: string;
}

/** Indexed detection results (result i has id i + 1 and iscrowd 0). */
export interface CocoResults {
  /** The IoU type the table was loaded for ("segm" keeps the masks). */
  iouType: IouType;
  /** Number of results. */
  n: number;
  imageId: Float64Array;
  categoryId: Float64Array;
  score: Float64Array;
  /** `loadRes` area: box w·h (bbox branch) or mask area (segm branch). */
  area: Float64Array;
  /** n×4, [x, y, w, h] at 4i: as given, or `rleToBbox` of the mask (segm branch without `bbox`). */
  bbox: Float64Array;
  /** iouType "segm": mask i of result i; null for "bbox". */
  masks: RleStore | null;
  /** Results whose `category_id` is not a GT category: loaded, never evaluated (as pycocotools). */
  unknownCategoryCount: number;
  /** Those category ids, unique and ascending. */
  unknownCategoryIds: number[];
  /** File the results came from, for error messages. */
  path?: string;
}

function num(where: Where, r: Record<string, unknown>, i: number, key: string): number {
  const v = r[key];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  return reqNumber(where, r, `/${i}`, key); // throws the standard message
}

function box4(where: Where, r: Record<string, unknown>, i: number): number[] | undefined {
  const v = r.bbox;
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.length === 4) {
    const [a, b, c, d] = v as unknown[];
    if (
      typeof a === "number" && Number.isFinite(a) && typeof b === "number" && Number.isFinite(b) &&
      typeof c === "number" && Number.isFinite(c) && typeof d === "number" && Number.isFinite(d)
    ) return v as number[];
  }
  return optBox(where, r, `/${i}`); // throws the standard message
}

/** Appends the mask of `seg` for result `i` (on image `img`) to `store`. */
function appendMask(where: Where, i: number, seg: unknown, img: CocoImage, store: RleStore): void {
  if (isRecord(seg) && Array.isArray(seg.size)) {
    const size: unknown[] = seg.size;
    const h = size[0], w = size[1];
    if (h !== img.height || w !== img.width) {
      fail(
        where,
        `/${i}/segmentation/size`,
        `is ${JSON.stringify(size)} but image ${img.id} is [${img.height}, ${img.width}]`,
      );
    }
    // Compressed string with a valid size: decoded straight into the store.
    if (
      size.length === 2 && typeof seg.counts === "string" && Number.isInteger(h) && Number.isInteger(w) &&
      (h as number) >= 0 && (w as number) >= 0 &&
      store.appendString(seg.counts, h as number, w as number) >= 0
    ) return;
  }
  // Polygons, uncompressed RLE, and every malformed case: the reference path (and its error message).
  try {
    const rle = annToRle(seg, img.height, img.width);
    store.appendCounts(rle.counts, rle.size[0], rle.size[1]);
  } catch (e) {
    if (e instanceof SamqError) fail(where, `/${i}/segmentation`, e.message.replace(/^Cannot [^:]*: /, ""));
    throw e;
  }
}

/**
 * `loadRes`' assertion that every result's image is a GT image, reported at the first offender with the
 * totals (records that are not objects or lack a numeric `image_id` are left to the main loop's messages).
 */
function checkImageIds(where: Where, gt: CocoGt, results: unknown[]): void {
  let first = -1, count = 0;
  const ids = new Set<number>();
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (!isRecord(r) || typeof r.image_id !== "number" || gt.imgs.has(r.image_id)) continue;
    if (first < 0) first = i;
    count++;
    ids.add(r.image_id);
  }
  if (first < 0) return;
  const id = (results[first] as Record<string, unknown>).image_id;
  const total = count === 1
    ? ""
    : ` (${count} results on ${ids.size} image(s) the ground truth does not have)`;
  fail(
    where,
    `/${first}/image_id`,
    `refers to image ${id}, which is not in the ground truth${total}; ` +
      "results must be on the GT's images (pycocotools' loadRes refuses them too)",
    "not_found",
  );
}

/**
 * Indexes `results` against `gt` (`loadRes`).
 * @param iouType "segm" keeps a mask (or box polygon) per result; "bbox" needs or derives a box
 * @throws {SamqError} `not_found` for a result on an image the GT lacks, `invalid_file` for malformed records
 */
export function loadResults(
  gt: CocoGt,
  results: unknown,
  iouType: IouType = "segm",
  options: LoadResultsOptions = {},
): CocoResults {
  const where: Where = { path: options.path, what: "results" };
  if (!Array.isArray(results)) fail(where, "/", "must be a list of results");
  const first = results[0];
  const bboxBranch = isRecord(first) && Array.isArray(first.bbox) && first.bbox.length > 0;
  if (isRecord(first) && !bboxBranch && first.segmentation === undefined) {
    fail(where, "/0", 'has neither "bbox" nor "segmentation" (captions and keypoints are not supported)');
  }
  checkImageIds(where, gt, results);
  const n = results.length;
  const unknownCats = new Set<number>();
  let unknownCategoryCount = 0;
  const t: CocoResults = {
    iouType,
    n,
    imageId: new Float64Array(n),
    categoryId: new Float64Array(n),
    score: new Float64Array(n),
    area: new Float64Array(n),
    bbox: new Float64Array(4 * n),
    masks: null,
    unknownCategoryCount: 0,
    unknownCategoryIds: [],
  };
  const keep = iouType === "segm";
  // Masks are decoded in both modes (segm-branch area and box need them); "bbox" reuses one scratch mask.
  const store = new RleStore(keep ? n : 1);
  for (let i = 0; i < n; i++) {
    const r: unknown = results[i];
    if (!isRecord(r)) fail(where, `/${i}`, "must be an object");
    const imageId = num(where, r, i, "image_id");
    const img = gt.imgs.get(imageId)!; // checkImageIds: every id is known
    const catId = num(where, r, i, "category_id");
    if (!gt.cats.has(catId)) {
      unknownCategoryCount++;
      unknownCats.add(catId);
    }
    t.imageId[i] = imageId;
    t.categoryId[i] = catId;
    t.score[i] = num(where, r, i, "score");
    // pycocotools keeps a segm result's `"bbox": []` (loadRes only tests the key), which is no box:
    // the mask's box stands in for it.
    const bbox = !bboxBranch && Array.isArray(r.bbox) && r.bbox.length === 0 ? undefined : box4(where, r, i);
    if (!keep) store.clear();
    if (bboxBranch) {
      if (bbox === undefined) fail(where, `/${i}/bbox`, 'is missing field "bbox"');
      const [x1, y1, w, h] = bbox as [number, number, number, number];
      t.bbox.set(bbox, 4 * i);
      t.area[i] = w * h;
      if (keep) {
        const seg = r.segmentation !== undefined
          ? r.segmentation
          : [[x1, y1, x1, y1 + h, x1 + w, y1 + h, x1 + w, y1]];
        appendMask(where, i, seg, img, store);
      }
    } else {
      if (r.segmentation === undefined) fail(where, `/${i}/segmentation`, 'is missing field "segmentation"');
      if (!isRecord(r.segmentation)) {
        fail(where, `/${i}/segmentation`, "must be an RLE object {size, counts}");
      }
      appendMask(where, i, r.segmentation, img, store);
      const m = store.n - 1;
      t.area[i] = store.area[m]!;
      const src = bbox ?? store.box, o = bbox === undefined ? 4 * m : 0;
      for (let j = 0; j < 4; j++) t.bbox[4 * i + j] = src[o + j]!;
    }
  }
  if (keep) t.masks = store;
  t.unknownCategoryCount = unknownCategoryCount;
  t.unknownCategoryIds = [...unknownCats].sort((a, b) => a - b);
  if (options.path !== undefined) t.path = options.path;
  return t;
}
