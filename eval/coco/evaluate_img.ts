/**
 * Greedy matching of one (image, category, area range) — `evaluateImg` (cocoeval.py:235-313, spec §B4.5).
 *
 * Rules, in pycocotools' order:
 * - a GT is ignored when it is crowd or its stored area is outside the range (bounds inclusive);
 * - GTs are stable-sorted non-ignored first; detections arrive sorted by descending score (stable);
 * - per IoU threshold t and detection d: start from best = min(t, 1 − 1e-10); skip GTs already matched
 *   unless crowd (a crowd region absorbs many detections); stop at the first ignored GT once a regular GT
 *   matched; take every GT with IoU ≥ best (so an **equal** IoU later in the order wins);
 * - "matched" is tested as id ≠ 0 downstream, so a GT with **id 0** acts unmatched (its TP becomes an FP);
 * - unmatched detections outside the area range are ignored.
 *
 * @module
 */
import type { CocoAnnotation } from "./coco_gt.ts";

/** Per-image evaluation record. T×D and T×G arrays are row-major (index t·D + d). */
export interface EvalImg {
  imageId: number;
  categoryId: number;
  aRng: [number, number];
  maxDet: number;
  /** D detection ids in score order. */
  dtIds: Float64Array;
  /** G GT ids, non-ignored first. */
  gtIds: Float64Array;
  /** T×D: id of the matched GT, 0 if none. */
  dtMatches: Float64Array;
  /** T×G: id of the matched detection, 0 if none. */
  gtMatches: Float64Array;
  /** D scores in descending order. */
  dtScores: Float64Array;
  /** G flags (1 = ignored), in `gtIds` order. */
  gtIgnore: Uint8Array;
  /** T×D flags (1 = ignored). */
  dtIgnore: Uint8Array;
}

/** Inputs of {@link evaluateImg} that do not depend on the area range. */
export interface ImgGroup {
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
export function evaluateImg(
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
    if (a.iscrowd || a.area < lo || a.area > hi) ign.push(g);
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
    const area = group.dts[d]!.area;
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
