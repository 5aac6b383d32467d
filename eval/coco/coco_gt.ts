/**
 * The COCO ground-truth index (`COCO` class of coco.py, spec §B2.1): images, annotations and categories by
 * id, and each image's annotations in file order.
 *
 * Validation (every error is a `SamqError` whose `field` is a JSON pointer to the record):
 * - `images[i]` needs numeric `id`, `width`, `height`; `categories[i]` numeric `id`;
 * - `annotations[i]` needs numeric `id`, `image_id`, `category_id`; optional `iscrowd` (a number or a
 *   boolean; absent → 0), `area`, `bbox` ([x, y, w, h]) and `segmentation`; an RLE segmentation whose `size`
 *   differs from its image's [height, width] is rejected.
 * What evaluation needs is checked when an annotation takes part (its image and category are evaluated), as
 * pycocotools reads it only then: `area` (the area ranges; pycocotools raises `KeyError`, samq names the
 * record), `bbox` for "bbox", `segmentation` for "segm".
 * A missing `iscrowd` is 0 (not crowd): that is what `_prepare`'s ignore flag reads, though pycocotools'
 * `computeIoU` would raise `KeyError` on it. `true`/`false` are 1/0 (Python's `int(True)`).
 * Annotations whose image or category is not listed are kept but, as in pycocotools, never evaluated
 * (class-agnostic evaluation too only concatenates the listed categories). Duplicate annotation ids behave
 * as in pycocotools: the id lookup returns the last one.
 * The caller's JSON is never mutated: annotations are shallow copies.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Rle } from "../../mask/rle.ts";
import { fail, isRecord, optBox, reqNumber, type Where } from "./_validate.ts";

/** An image record (other JSON fields are kept). */
export interface CocoImage {
  id: number;
  width: number;
  height: number;
  [key: string]: unknown;
}

/** A category record. */
export interface CocoCategory {
  id: number;
  name?: string;
  [key: string]: unknown;
}

/** An annotation (GT) or a result (DT, which also has `score`). */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** GT: as stored, never recomputed (absent: an error once evaluated); DT: derived as in `loadRes`. */
  area?: number;
  /** As stored (absent → 0, `true`/`false` → 1/0); non-zero = crowd. */
  iscrowd: number;
  bbox?: number[];
  segmentation?: unknown;
  score?: number;
  /** Cached RLE of `segmentation` (filled on first use). */
  rle?: Rle;
  /** Index of the record in the source JSON list, for error messages. */
  index: number;
}

/** An indexed COCO data set (GT or results). */
export interface CocoGt {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  imgs: Map<number, CocoImage>;
  anns: Map<number, CocoAnnotation>;
  cats: Map<number, CocoCategory>;
  /** image id → its annotations in file order. */
  imgToAnns: Map<number, CocoAnnotation[]>;
  /** File the data came from, for error messages. */
  path?: string;
}

/** Options of {@link loadCocoGt}. */
export interface LoadCocoGtOptions {
  /** File name used in error messages. */
  path?: string;
}

function list(where: Where, root: Record<string, unknown>, key: string, required: boolean): unknown[] {
  const v = root[key];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) fail(where, `/${key}`, v === undefined ? `is missing` : "must be a list");
  return v;
}

function crowdFlag(where: Where, r: Record<string, unknown>, ptr: string): number {
  const v = r.iscrowd;
  if (v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    fail(where, `${ptr}/iscrowd`, "must be an integer (0 = not crowd) or a boolean");
  }
  return v;
}

/**
 * Builds the GT index from parsed COCO JSON.
 * @throws {SamqError} `invalid_file` naming the record (field = JSON pointer) for malformed input
 */
export function loadCocoGt(json: unknown, options: LoadCocoGtOptions = {}): CocoGt {
  const where: Where = { path: options.path, what: "ground truth" };
  if (!isRecord(json)) fail(where, "/", "must be a JSON object with images, annotations and categories");
  const images: CocoImage[] = [];
  const imgs = new Map<number, CocoImage>();
  list(where, json, "images", true).forEach((r, i) => {
    const ptr = `/images/${i}`;
    if (!isRecord(r)) fail(where, ptr, "must be an object");
    const img = { ...r } as CocoImage;
    reqNumber(where, r, ptr, "id");
    reqNumber(where, r, ptr, "width");
    reqNumber(where, r, ptr, "height");
    images.push(img);
    imgs.set(img.id, img);
  });
  const categories: CocoCategory[] = [];
  const cats = new Map<number, CocoCategory>();
  list(where, json, "categories", true).forEach((r, i) => {
    const ptr = `/categories/${i}`;
    if (!isRecord(r)) fail(where, ptr, "must be an object");
    reqNumber(where, r, ptr, "id");
    const cat = { ...r } as CocoCategory;
    categories.push(cat);
    cats.set(cat.id, cat);
  });
  const annotations: CocoAnnotation[] = [];
  const anns = new Map<number, CocoAnnotation>();
  const imgToAnns = new Map<number, CocoAnnotation[]>();
  list(where, json, "annotations", false).forEach((r, i) => {
    const ptr = `/annotations/${i}`;
    if (!isRecord(r)) fail(where, ptr, "must be an object");
    const ann: CocoAnnotation = {
      id: reqNumber(where, r, ptr, "id"),
      image_id: reqNumber(where, r, ptr, "image_id"),
      category_id: reqNumber(where, r, ptr, "category_id"),
      iscrowd: crowdFlag(where, r, ptr),
      index: i,
    };
    if (r.area !== undefined) ann.area = reqNumber(where, r, ptr, "area");
    const bbox = optBox(where, r, ptr);
    if (bbox !== undefined) ann.bbox = bbox;
    if (r.segmentation !== undefined) {
      ann.segmentation = r.segmentation;
      const img = imgs.get(ann.image_id);
      const seg = r.segmentation;
      if (img !== undefined && isRecord(seg) && Array.isArray(seg.size)) {
        if (seg.size[0] !== img.height || seg.size[1] !== img.width) {
          fail(
            where,
            `${ptr}/segmentation/size`,
            `is ${JSON.stringify(seg.size)} but image ${img.id} is [${img.height}, ${img.width}]`,
          );
        }
      }
    }
    annotations.push(ann);
    anns.set(ann.id, ann);
    const l = imgToAnns.get(ann.image_id);
    if (l === undefined) imgToAnns.set(ann.image_id, [ann]);
    else l.push(ann);
  });
  const gt: CocoGt = { images, annotations, categories, imgs, anns, cats, imgToAnns };
  if (options.path !== undefined) gt.path = options.path;
  return gt;
}

/** True when `v` is an already indexed {@link CocoGt}. */
export function isCocoGt(v: unknown): v is CocoGt {
  return isRecord(v) && v.imgs instanceof Map && v.imgToAnns instanceof Map;
}

/** Why evaluation reads each field, for the error message. */
const NEEDED_FOR: Record<string, string> = {
  area: "the area ranges need it",
  bbox: 'iouType "bbox" needs it',
  segmentation: 'iouType "segm" needs it',
};

/** Throws the standard error for an annotation that lacks what its evaluation reads. */
export function missingForIou(
  gt: CocoGt,
  kind: "ground truth" | "results",
  ann: CocoAnnotation,
  field: string,
): never {
  const ptr = kind === "ground truth" ? `/annotations/${ann.index}/${field}` : `/${ann.index}/${field}`;
  const what = gt.path === undefined ? kind : `${kind} "${gt.path}"`;
  const why = NEEDED_FOR[field] === undefined ? "" : ` (${NEEDED_FOR[field]})`;
  throw new SamqError(
    "invalid_file",
    `Cannot evaluate ${what}: record ${ptr} is missing field "${field}"${why}`,
    {
      field: ptr,
      ...(gt.path === undefined ? {} : { path: gt.path }),
    },
  );
}
