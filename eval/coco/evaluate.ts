/**
 * Phase 1 of COCOeval: `_prepare` + `computeIoU` + `evaluateImg` for every (category, area range, image)
 * (cocoeval.py:84-190, spec §B4.2-B4.5).
 *
 * - GTs and detections are taken per image in `imgIds` order, then file order; with `useCats` they are
 *   grouped per (image, category), without it concatenated over `catIds` in order (so detections of
 *   categories outside `catIds` are dropped).
 * - Detections are stable-sorted by descending score (ties keep file order) and cut to the largest maxDet;
 *   IoU is `bboxIou` on `bbox` fields or `rleIou` on masks, with the GTs' crowd flags.
 * - `evalImgs` is flat with **category outermost, area range in the middle, image innermost**
 *   (index k·A·I + a·I + i), `null` where an (image, category) has neither GT nor detection.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { CocoAnnotation, CocoGt } from "./coco_gt.ts";
import { missingForIou } from "./coco_gt.ts";
import type { CocoEvalParams } from "./params.ts";
import { type EvalImg, evaluateImg, type ImgGroup } from "./evaluate_img.ts";
import { annToRle } from "./ann_to_rle.ts";
import { bboxIou, rleIou } from "./iou.ts";
import type { Rle } from "./rle.ts";

/** Output of {@link evaluate}. */
export interface CocoEvaluation {
  params: CocoEvalParams;
  /** Flat [K][A][I] list (K = 1 when `useCats` is off); `null` for empty (image, category) pairs. */
  evalImgs: (EvalImg | null)[];
}

function annsOf(ds: CocoGt, imgId: number): CocoAnnotation[] {
  const l = ds.imgToAnns.get(imgId);
  if (l === undefined) return [];
  // pycocotools goes through ids (getAnnIds → loadAnns): a duplicated id resolves to its last record.
  return l.map((a) => ds.anns.get(a.id) ?? a);
}

function group(anns: CocoAnnotation[], catSet: Set<number> | null): Map<number, CocoAnnotation[]> {
  const m = new Map<number, CocoAnnotation[]>();
  for (const a of anns) {
    if (catSet !== null && !catSet.has(a.category_id)) continue;
    const l = m.get(a.category_id);
    if (l === undefined) m.set(a.category_id, [a]);
    else l.push(a);
  }
  return m;
}

function rleOf(ds: CocoGt, kind: "ground truth" | "results", a: CocoAnnotation): Rle {
  if (a.rle !== undefined) return a.rle;
  if (a.segmentation === undefined) missingForIou(ds, kind, a, "segmentation");
  const img = ds.imgs.get(a.image_id)!;
  try {
    a.rle = annToRle(a.segmentation, img.height, img.width);
  } catch (e) {
    if (!(e instanceof SamqError)) throw e;
    const ptr = kind === "ground truth" ? `/annotations/${a.index}/segmentation` : `/${a.index}/segmentation`;
    throw new SamqError("invalid_file", `Cannot evaluate ${kind}: record ${ptr}: ${e.message}`, {
      field: ptr,
      cause: e,
      ...(ds.path === undefined ? {} : { path: ds.path }),
    });
  }
  return a.rle;
}

function boxOf(ds: CocoGt, kind: "ground truth" | "results", a: CocoAnnotation): number[] {
  return a.bbox ?? missingForIou(ds, kind, a, "bbox");
}

/** Builds one (image, category) group: sorted, cut detections and their IoU against the GTs. */
function makeGroup(
  gtDs: CocoGt,
  dtDs: CocoGt,
  p: CocoEvalParams,
  imageId: number,
  categoryId: number,
  gts: CocoAnnotation[],
  dtsIn: CocoAnnotation[],
): ImgGroup {
  const maxDet = p.maxDets[p.maxDets.length - 1]!;
  // Stable sort by descending score (numpy mergesort of −score).
  const dts = dtsIn.slice().sort((a, b) => b.score! - a.score!);
  if (dts.length > maxDet) dts.length = maxDet;
  const crowd = gts.map((g) => g.iscrowd !== 0);
  let iou: Float64Array | [];
  if (p.iouType === "segm") {
    iou = rleIou(
      dts.map((d) => rleOf(dtDs, "results", d)),
      gts.map((g) => rleOf(gtDs, "ground truth", g)),
      crowd,
    );
  } else {
    iou = bboxIou(
      dts.map((d) => boxOf(dtDs, "results", d)),
      gts.map((g) => boxOf(gtDs, "ground truth", g)),
      crowd,
    );
  }
  return {
    imageId,
    categoryId,
    gts,
    dts,
    iou,
    dtIds: Float64Array.from(dts, (d) => d.id),
    dtScores: Float64Array.from(dts, (d) => d.score!),
  };
}

/** Runs per-image evaluation of `dt` (from `loadResults`) against `gt` with resolved `params`. */
export function evaluate(gt: CocoGt, dt: CocoGt, params: CocoEvalParams): CocoEvaluation {
  const p = params;
  const I = p.imgIds.length, A = p.areaRng.length;
  const catIds = p.useCats ? p.catIds : [-1];
  const K = catIds.length;
  const kIndex = new Map(catIds.map((c, k) => [c, k]));
  const evalImgs: (EvalImg | null)[] = new Array(K * A * I).fill(null);
  const catSet = p.useCats ? new Set(p.catIds) : null;
  const maxDet = p.maxDets[p.maxDets.length - 1]!;
  const run = (g: ImgGroup, k: number, i: number) => {
    for (let a = 0; a < A; a++) {
      evalImgs[k * A * I + a * I + i] = evaluateImg(g, p.areaRng[a]!, maxDet, p.iouThrs);
    }
  };
  for (let i = 0; i < I; i++) {
    const imgId = p.imgIds[i]!;
    if (!gt.imgs.has(imgId)) continue;
    const gtBy = group(annsOf(gt, imgId), catSet);
    const dtBy = group(annsOf(dt, imgId), catSet);
    if (p.useCats) {
      const cats = new Set([...gtBy.keys(), ...dtBy.keys()]);
      for (const c of [...cats].sort((a, b) => a - b)) {
        const g = makeGroup(gt, dt, p, imgId, c, gtBy.get(c) ?? [], dtBy.get(c) ?? []);
        run(g, kIndex.get(c)!, i);
      }
    } else {
      const gts: CocoAnnotation[] = [], dts: CocoAnnotation[] = [];
      for (const c of p.catIds) {
        for (const a of gtBy.get(c) ?? []) gts.push(a);
        for (const a of dtBy.get(c) ?? []) dts.push(a);
      }
      run(makeGroup(gt, dt, p, imgId, -1, gts, dts), 0, i);
    }
  }
  return { params: p, evalImgs };
}
