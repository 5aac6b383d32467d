/**
 * Internal: validates COCO/LVIS "instances" JSON and turns it into indexed records (no pixels).
 *
 * Checks (each a `SamqError("invalid_dataset")` whose `field` is a JSON pointer): `images[i]` needs
 * numeric `id`, `width`, `height` and a string `file_name`; `annotations[i]` needs numeric `id`,
 * `image_id` (a listed image), `category_id` and a `segmentation` (polygon list, or RLE {size, counts}
 * whose size equals the image's [height, width]). `area` and `bbox` are taken as stored; when absent they
 * are computed from the mask (pycocotools `area` / `toBbox`). LVIS files have the same layout (their
 * extra keys are ignored).
 *
 * @module
 */
import { annToRle, rleArea, rleToBbox } from "../mask/mod.ts";
import { SamqError } from "../util/errors.ts";
import { join } from "node:path";
import type { DatasetCategory } from "./dataset.ts";
import type { IndexedImage, IndexedObject } from "./_indexed_dataset.ts";

/** Where the JSON came from and how to cut it. */
export interface ParseCocoOptions {
  /** File name for messages. */
  annotationPath: string;
  /** Folder that `file_name` is relative to. */
  imageDir: string;
  /** Keep the first N images in file order; null = all. */
  limit: number | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Parses COCO instances JSON. */
export function parseCocoJson(
  json: unknown,
  options: ParseCocoOptions,
): { images: IndexedImage[]; categories: DatasetCategory[] } {
  const { annotationPath: path } = options;
  const fail = (field: string, message: string): never => {
    throw new SamqError("invalid_dataset", `Cannot load dataset "${path}": ${message}`, { path, field });
  };
  const num = (r: Record<string, unknown>, ptr: string, key: string): number => {
    const v = r[key];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      fail(
        `${ptr}/${key}`,
        `record ${ptr} ${v === undefined ? `is missing field "${key}"` : `field "${key}" must be a number`}`,
      );
    }
    return v as number;
  };
  if (!isRecord(json)) fail("", "expected a JSON object with images, annotations and categories");
  const root = json as Record<string, unknown>;
  for (const key of ["images", "annotations", "categories"]) {
    if (!Array.isArray(root[key])) fail(`/${key}`, `field "${key}" must be a list`);
  }
  const all: IndexedImage[] = [];
  const byId = new Map<number, IndexedImage>();
  (root.images as unknown[]).forEach((r, i) => {
    const ptr = `/images/${i}`;
    if (!isRecord(r)) return fail(ptr, `record ${ptr} must be an object`);
    const imageId = num(r, ptr, "id");
    const h = num(r, ptr, "height");
    const w = num(r, ptr, "width");
    if (typeof r.file_name !== "string" || r.file_name === "") {
      fail(`${ptr}/file_name`, `record ${ptr} needs a file_name`);
    }
    if (byId.has(imageId)) fail(`${ptr}/id`, `image id ${imageId} appears twice`);
    const img: IndexedImage = {
      imageId,
      fileName: r.file_name as string,
      path: join(options.imageDir, r.file_name as string),
      h,
      w,
      objects: [],
    };
    all.push(img);
    byId.set(imageId, img);
  });
  const categories: DatasetCategory[] = (root.categories as unknown[]).map((r, i) => {
    const ptr = `/categories/${i}`;
    if (!isRecord(r)) return fail(ptr, `record ${ptr} must be an object`);
    return { id: num(r, ptr, "id"), name: typeof r.name === "string" ? r.name : String(r.id) };
  });
  const images = options.limit === null ? all : all.slice(0, options.limit);
  const kept = new Set(images.map((i) => i.imageId));
  (root.annotations as unknown[]).forEach((r, i) => {
    const ptr = `/annotations/${i}`;
    if (!isRecord(r)) return fail(ptr, `record ${ptr} must be an object`);
    const annId = num(r, ptr, "id");
    const imageId = num(r, ptr, "image_id");
    const categoryId = num(r, ptr, "category_id");
    const img = byId.get(imageId);
    if (!img) {
      return fail(
        `${ptr}/image_id`,
        `annotation ${annId} refers to image_id ${imageId}, which is not listed`,
      );
    }
    if (!kept.has(imageId)) return;
    const seg = r.segmentation;
    if (seg === undefined || seg === null || (Array.isArray(seg) && seg.length === 0)) {
      return fail(`${ptr}/segmentation`, `annotation ${annId} (image ${imageId}) has no segmentation`);
    }
    if (Array.isArray(seg)) {
      if (!seg.every((p) => Array.isArray(p) && p.length >= 6 && p.every((v) => typeof v === "number"))) {
        fail(`${ptr}/segmentation`, `annotation ${annId} has a malformed polygon (need ≥ 3 (x, y) vertices)`);
      }
    } else if (isRecord(seg)) {
      const size = seg.size;
      if (!Array.isArray(size) || size[0] !== img.h || size[1] !== img.w) {
        fail(
          `${ptr}/segmentation/size`,
          `annotation ${annId} RLE size ${JSON.stringify(size)} is not [${img.h}, ${img.w}]`,
        );
      }
      if (typeof seg.counts !== "string" && !Array.isArray(seg.counts)) {
        fail(`${ptr}/segmentation/counts`, `annotation ${annId} RLE has no counts`);
      }
    } else {
      fail(`${ptr}/segmentation`, `annotation ${annId} segmentation is neither polygons nor RLE`);
    }
    let area = typeof r.area === "number" ? r.area : undefined;
    let bbox = Array.isArray(r.bbox) && r.bbox.length === 4 && r.bbox.every((v) => typeof v === "number")
      ? r.bbox as [number, number, number, number]
      : undefined;
    if (area === undefined || bbox === undefined) {
      let rle;
      try {
        rle = annToRle(seg, img.h, img.w);
      } catch (e) {
        return fail(`${ptr}/segmentation`, `annotation ${annId}: ${(e as Error).message}`);
      }
      area ??= rleArea(rle);
      bbox ??= rleToBbox(rle);
    }
    const obj: IndexedObject = {
      annId,
      categoryId,
      iscrowd: r.iscrowd === 1 || r.iscrowd === true,
      area,
      bboxXywh: bbox,
      segmentation: seg,
      field: ptr,
    };
    img.objects.push(obj);
  });
  return { images, categories };
}
