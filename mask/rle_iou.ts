/**
 * IoU of masks and boxes with pycocotools' crowd semantics (`iou(dt, gt, iscrowd)`, maskApi.c:93-136,
 * spec §B3.7).
 *
 * For a crowd GT the denominator is the detection's area ("a detection may match any sub-region of a crowd
 * region"): IoU = |dt ∩ gt| / |dt|; otherwise |dt ∩ gt| / |dt ∪ gt|. Boxes are continuous [x, y, w, h]
 * (no +1). Mask IoU is first the box IoU of the `rleToBbox` boxes; only pairs with box IoU > 0 are refined
 * by walking both run lists; masks of different sizes give −1 (never matches).
 *
 * Result layout: a D×G matrix as a row-major `Float64Array` (index d·G + g; rows = detections in the given
 * order, columns = GTs). Like pycocotools, an empty `dt` or `gt` list gives an empty array `[]`.
 *
 * @module
 */
import type { Rle } from "./rle.ts";
import { rleArea, rleToBbox } from "./rle_ops.ts";

/** Box IoU, D×G row-major (index d·G + g); `[]` when either list is empty. */
export function bboxIou(
  dt: ArrayLike<number>[],
  gt: ArrayLike<number>[],
  iscrowd: ArrayLike<boolean | number>,
): Float64Array | [] {
  if (dt.length === 0 || gt.length === 0) return [];
  const D = dt.length, G = gt.length;
  const out = new Float64Array(D * G);
  for (let g = 0; g < G; g++) {
    const B = gt[g]!;
    const ga = B[2]! * B[3]!;
    const crowd = Boolean(iscrowd[g]);
    for (let d = 0; d < D; d++) {
      const A = dt[d]!;
      const da = A[2]! * A[3]!;
      // Operand order as in C (w + x, da + ga − i): IEEE-identical results.
      const iw = Math.min(A[2]! + A[0]!, B[2]! + B[0]!) - Math.max(A[0]!, B[0]!);
      if (iw <= 0) continue;
      const ih = Math.min(A[3]! + A[1]!, B[3]! + B[1]!) - Math.max(A[1]!, B[1]!);
      if (ih <= 0) continue;
      const i = iw * ih;
      out[d * G + g] = i / (crowd ? da : da + ga - i);
    }
  }
  return out;
}

/** Mask IoU, D×G row-major (index d·G + g); `[]` when either list is empty; −1 for size mismatches. */
export function rleIou(dt: Rle[], gt: Rle[], iscrowd: ArrayLike<boolean | number>): Float64Array | [] {
  if (dt.length === 0 || gt.length === 0) return [];
  const G = gt.length;
  const out = bboxIou(dt.map(rleToBbox), gt.map(rleToBbox), iscrowd) as Float64Array;
  for (let d = 0; d < dt.length; d++) {
    const A = dt[d]!;
    for (let g = 0; g < G; g++) {
      if (!(out[d * G + g]! > 0)) continue;
      const B = gt[g]!;
      if (A.size[0] !== B.size[0] || A.size[1] !== B.size[1]) {
        out[d * G + g] = -1;
        continue;
      }
      out[d * G + g] = rlePairIou(A.counts, B.counts, Boolean(iscrowd[g]), A);
    }
  }
  return out;
}

function rlePairIou(ac: Uint32Array, bc: Uint32Array, crowd: boolean, dt: Rle): number {
  let ca = ac[0] ?? 0, cb = bc[0] ?? 0;
  const ka = ac.length, kb = bc.length;
  let va = false, vb = false;
  let a = 1, b = 1, i = 0, u = 0, ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < ka) {
      ca = ac[a++]!;
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < kb) {
      cb = bc[b++]!;
      vb = !vb;
    }
    ct += cb;
  }
  if (i === 0) u = 1;
  else if (crowd) u = rleArea(dt);
  return i / u;
}
