/**
 * `computeIoU` of one (image, category) group (cocoeval.py:163-190, spec §B3.7, §B4.4) on the
 * struct-of-arrays tables, into a reused D×G buffer (row-major, d·G + g; columns in the group's GT order).
 *
 * Arithmetic identical to `bboxIou` / `rleIou` of iou.ts (same operand order, same crowd denominators):
 * boxes [x, y, w, h] continuous; masks first by the box IoU of their `rleToBbox` boxes (only pairs with a
 * box IoU > 0 are refined by the run walk), masks of different sizes give −1.
 *
 * @module
 */
import type { Rle } from "../../mask/rle.ts";
import { type RleStore, runsIou } from "../../mask/rle_store.ts";

/**
 * Box IoU of detections `dBox[4·dIdx[d] ..]` against GT boxes `gBox[4g ..]`, written to `out[d·G + g]`.
 * @param dIdx D indices into `dBox` (the group's detections in score order)
 */
export function boxIouInto(
  out: Float64Array,
  dBox: Float64Array,
  dIdx: Uint32Array,
  dOff: number,
  D: number,
  gBox: Float64Array,
  G: number,
  crowd: Uint8Array,
): void {
  out.fill(0, 0, D * G);
  for (let g = 0; g < G; g++) {
    const bx = gBox[4 * g]!, by = gBox[4 * g + 1]!, bw = gBox[4 * g + 2]!, bh = gBox[4 * g + 3]!;
    const ga = bw * bh;
    const isCrowd = crowd[g] !== 0;
    for (let d = 0; d < D; d++) {
      const o = 4 * dIdx[dOff + d]!;
      const ax = dBox[o]!, ay = dBox[o + 1]!, aw = dBox[o + 2]!, ah = dBox[o + 3]!;
      const da = aw * ah;
      // Operand order as in C (w + x, da + ga − i): IEEE-identical to iou.ts.
      const iw = Math.min(aw + ax, bw + bx) - Math.max(ax, bx);
      if (iw <= 0) continue;
      const ih = Math.min(ah + ay, bh + by) - Math.max(ay, by);
      if (ih <= 0) continue;
      const i = iw * ih;
      out[d * G + g] = i / (isCrowd ? da : da + ga - i);
    }
  }
}

/** A growable scratch buffer for decoded counts. */
export interface CountsScratch {
  buf: Uint32Array;
}

/**
 * Refines a box-IoU matrix (from the masks' `rleToBbox` boxes) into mask IoU: entries > 0 become the run
 * walk's IoU, or −1 when the sizes differ. A detection's counts are decoded only if some entry needs them.
 */
export function refineMaskIou(
  out: Float64Array,
  store: RleStore,
  dIdx: Uint32Array,
  dOff: number,
  D: number,
  gRle: readonly Rle[],
  G: number,
  crowd: Uint8Array,
  scratch: CountsScratch,
): void {
  for (let d = 0; d < D; d++) {
    const m = dIdx[dOff + d]!;
    const h = store.h[m]!, w = store.w[m]!;
    const len = store.len[m]!, area = store.area[m]!;
    let decoded = false;
    for (let g = 0; g < G; g++) {
      if (!(out[d * G + g]! > 0)) continue;
      const B = gRle[g]!;
      if (h !== B.size[0] || w !== B.size[1]) {
        out[d * G + g] = -1;
        continue;
      }
      if (!decoded) {
        if (scratch.buf.length < len) scratch.buf = new Uint32Array(Math.max(len, 2 * scratch.buf.length));
        store.decode(m, scratch.buf);
        decoded = true;
      }
      out[d * G + g] = runsIou(scratch.buf, 0, len, B.counts, 0, B.counts.length, crowd[g] !== 0, area);
    }
  }
}
