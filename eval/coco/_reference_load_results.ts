/**
 * Reference (pre-optimisation) `loadRes`, kept for the self-consistency test only: results become one
 * `CocoAnnotation` object each (with a cached `Rle`), exactly as the first port did. Never re-exported.
 *
 * @module
 */
import type { CocoAnnotation, CocoGt } from "./coco_gt.ts";
import { fail, isRecord, optBox, reqNumber, type Where } from "./_validate.ts";
import { annToRle } from "../../mask/ann_to_rle.ts";
import { rleArea, rleToBbox } from "../../mask/rle_ops.ts";
import { SamqError } from "../../util/errors.ts";
import type { IouType } from "./load_results.ts";

/**
 * Indexes `results` against `gt` (`loadRes`). The returned data set shares the GT images and categories.
 * @param iouType "segm" needs a mask (or a box polygon) per result; "bbox" needs or derives a box
 * @throws {SamqError} `not_found` for unknown image ids, `invalid_file` for malformed records
 */
export function referenceLoadResults(
  gt: CocoGt,
  results: unknown,
  iouType: IouType = "segm",
  options: { path?: string } = {},
): CocoGt {
  const where: Where = { path: options.path, what: "results" };
  if (!Array.isArray(results)) fail(where, "/", "must be a list of results");
  const first = results[0];
  const bboxBranch = isRecord(first) && Array.isArray(first.bbox) && first.bbox.length > 0;
  if (isRecord(first) && !bboxBranch && first.segmentation === undefined) {
    fail(where, "/0", 'has neither "bbox" nor "segmentation" (captions and keypoints are not supported)');
  }
  const annotations: CocoAnnotation[] = [];
  const anns = new Map<number, CocoAnnotation>();
  const imgToAnns = new Map<number, CocoAnnotation[]>();
  results.forEach((r: unknown, i: number) => {
    const ptr = `/${i}`;
    if (!isRecord(r)) fail(where, ptr, "must be an object");
    const imageId = reqNumber(where, r, ptr, "image_id");
    const img = gt.imgs.get(imageId);
    if (img === undefined) fail(where, `${ptr}/image_id`, `refers to unknown image ${imageId}`, "not_found");
    // A category the GT lacks is kept, as in pycocotools; COCOeval never looks at it.
    const catId = reqNumber(where, r, ptr, "category_id");
    const score = reqNumber(where, r, ptr, "score");
    const ann: CocoAnnotation = {
      id: i + 1,
      image_id: imageId,
      category_id: catId,
      area: 0,
      iscrowd: 0,
      score,
      index: i,
    };
    const bbox = !bboxBranch && Array.isArray(r.bbox) && r.bbox.length === 0
      ? undefined
      : optBox(where, r, ptr);
    if (bboxBranch) {
      if (bbox === undefined) fail(where, `${ptr}/bbox`, 'is missing field "bbox"');
      const [x1, y1, w, h] = bbox as [number, number, number, number];
      ann.bbox = bbox;
      ann.area = w * h;
      ann.segmentation = r.segmentation !== undefined
        ? r.segmentation
        : [[x1, y1, x1, y1 + h, x1 + w, y1 + h, x1 + w, y1]];
      if (r.segmentation !== undefined && iouType === "segm") {
        ann.rle = toRle(where, ptr, r.segmentation, img);
      }
    } else {
      if (r.segmentation === undefined) fail(where, `${ptr}/segmentation`, 'is missing field "segmentation"');
      if (!isRecord(r.segmentation)) {
        fail(where, `${ptr}/segmentation`, "must be an RLE object {size, counts}");
      }
      const rle = toRle(where, ptr, r.segmentation, img);
      ann.segmentation = r.segmentation;
      ann.rle = rle;
      ann.area = rleArea(rle);
      ann.bbox = bbox ?? rleToBbox(rle);
    }
    annotations.push(ann);
    anns.set(ann.id, ann);
    const l = imgToAnns.get(imageId);
    if (l === undefined) imgToAnns.set(imageId, [ann]);
    else l.push(ann);
  });
  const dt: CocoGt = {
    images: gt.images,
    annotations,
    categories: gt.categories,
    imgs: gt.imgs,
    anns,
    cats: gt.cats,
    imgToAnns,
  };
  if (options.path !== undefined) dt.path = options.path;
  return dt;
}

function toRle(where: Where, ptr: string, seg: unknown, img: { id: number; height: number; width: number }) {
  if (isRecord(seg) && Array.isArray(seg.size) && (seg.size[0] !== img.height || seg.size[1] !== img.width)) {
    fail(
      where,
      `${ptr}/segmentation/size`,
      `is ${JSON.stringify(seg.size)} but image ${img.id} is [${img.height}, ${img.width}]`,
    );
  }
  try {
    return annToRle(seg, img.height, img.width);
  } catch (e) {
    if (e instanceof SamqError) fail(where, `${ptr}/segmentation`, e.message.replace(/^Cannot [^:]*: /, ""));
    throw e;
  }
}
