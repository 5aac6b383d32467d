/**
 * Reference (pre-optimisation) `evaluate` + `evaluateImg`, kept for the self-consistency test only: one
 * object per (image, category) group and one `EvalImg` with fresh typed arrays per (group, area range),
 * written as a direct transcription of cocoeval.py (spec §B4.2-B4.5). Never re-exported.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { CocoAnnotation, CocoGt } from "./coco_gt.ts";
import { missingForIou } from "./coco_gt.ts";
import type { CocoEvalParams } from "./params.ts";
import type { EvalImg } from "./evaluate_img.ts";
import { annToRle } from "../../mask/ann_to_rle.ts";
import { bboxIou, rleIou } from "../../mask/rle_iou.ts";
import type { Rle } from "../../mask/rle.ts";

/** Output of {@link referenceEvaluate}. */
export interface ReferenceEvaluation {
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
  for (const g of gts) if (g.area === undefined) missingForIou(gtDs, "ground truth", g, "area");
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
export function referenceEvaluate(gt: CocoGt, dt: CocoGt, params: CocoEvalParams): ReferenceEvaluation {
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
      evalImgs[k * A * I + a * I + i] = referenceEvaluateImg(g, p.areaRng[a]!, maxDet, p.iouThrs);
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

/** Inputs of {@link evaluateImg} that do not depend on the area range. */
interface ImgGroup {
  imageId: number;
  categoryId: number;
  /** GTs in file order. */
  gts: CocoAnnotation[];
  /** Detections sorted by descending score (stable), already cut to the largest maxDet. */
  dts: CocoAnnotation[];
  /** D×G IoU, row-major (d·G + g), columns in `gts` order; empty when D or G is 0. */
  iou: Float64Array | [];
  dtIds: Float64Array;
  dtScores: Float64Array;
}

/** Runs the matching for one area range; `null` when there is neither a GT nor a detection. */
function referenceEvaluateImg(
  group: ImgGroup,
  aRng: [number, number],
  maxDet: number,
  iouThrs: readonly number[],
): EvalImg | null {
  const { gts, iou } = group;
  const G = gts.length;
  const D0 = group.dts.length;
  if (G === 0 && D0 === 0) return null;
  const D = Math.min(D0, maxDet);
  const T = iouThrs.length;
  const [lo, hi] = aRng;
  // Stable sort of the GTs: non-ignored first, file order kept.
  const order: number[] = [];
  const ign: number[] = [];
  for (let g = 0; g < G; g++) {
    const a = gts[g]!;
    if (a.iscrowd || a.area! < lo || a.area! > hi) ign.push(g);
    else order.push(g);
  }
  const nReg = order.length;
  for (const g of ign) order.push(g);
  const gtIds = new Float64Array(G);
  const gtIgnore = new Uint8Array(G);
  const crowd = new Uint8Array(G);
  for (let j = 0; j < G; j++) {
    const a = gts[order[j]!]!;
    gtIds[j] = a.id;
    gtIgnore[j] = j >= nReg ? 1 : 0;
    crowd[j] = a.iscrowd ? 1 : 0;
  }
  const dtMatches = new Float64Array(T * D);
  const gtMatches = new Float64Array(T * G);
  const dtIgnore = new Uint8Array(T * D);
  const dtIds = D === D0 ? group.dtIds : group.dtIds.subarray(0, D);
  if (iou.length > 0) {
    for (let t = 0; t < T; t++) {
      const thr = Math.min(iouThrs[t]!, 1 - 1e-10);
      for (let d = 0; d < D; d++) {
        let best = thr;
        let m = -1;
        const row = d * G;
        for (let j = 0; j < G; j++) {
          if (gtMatches[t * G + j]! > 0 && !crowd[j]) continue;
          if (m > -1 && gtIgnore[m] === 0 && gtIgnore[j] === 1) break;
          const v = iou[row + order[j]!]!;
          if (v < best) continue;
          best = v;
          m = j;
        }
        if (m === -1) continue;
        dtIgnore[t * D + d] = gtIgnore[m]!;
        dtMatches[t * D + d] = gtIds[m]!;
        gtMatches[t * G + m] = dtIds[d]!;
      }
    }
  }
  for (let d = 0; d < D; d++) {
    const area = group.dts[d]!.area!;
    if (!(area < lo || area > hi)) continue;
    for (let t = 0; t < T; t++) if (dtMatches[t * D + d] === 0) dtIgnore[t * D + d] = 1;
  }
  return {
    imageId: group.imageId,
    categoryId: group.categoryId,
    aRng,
    maxDet,
    dtIds,
    gtIds,
    dtMatches,
    gtMatches,
    dtScores: D === D0 ? group.dtScores : group.dtScores.subarray(0, D),
    gtIgnore,
    dtIgnore,
  };
}
