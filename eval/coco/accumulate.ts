/**
 * Phase 2 of COCOeval: precision/recall per (IoU threshold, recall threshold, category, area, maxDets)
 * (`accumulate`, cocoeval.py:315-420, spec §B4.6).
 *
 * Dims and layout (row-major `Float64Array`s):
 * - `precision` [T, R, K, A, M], index (((t·R + r)·K + k)·A + a)·M + m;
 * - `recall` [T, K, A, M], index ((t·K + k)·A + a)·M + m;
 * - `scores` like `precision` (the score at each recall threshold).
 * −1 means "no GT here" (category without non-ignored GT, or no evaluated image) and is excluded from
 * means; recall thresholds past the highest reached recall hold 0.
 *
 * Numerics as pycocotools: detections of all images are concatenated in image order (each cut to maxDet)
 * and stable-sorted by descending score (ties keep image, then per-image order); precision is
 * tp / (tp + fp + eps) with eps = 2.220446049250313e-16 (`np.spacing(1)`), so a perfect detector gives
 * 0.9999999999999998; the precision envelope runs right to left; recall thresholds are looked up with
 * `searchsorted(side="left")`.
 *
 * @module
 */
import type { CocoEvaluation } from "./evaluate.ts";
import { sortIndexByScoreDesc } from "./_sort.ts";

const EPS = 2.220446049250313e-16;

/** Output of {@link accumulate}. */
export interface CocoAccumulation {
  /** [T, R, K, A, M]. */
  dims: { T: number; R: number; K: number; A: number; M: number };
  precision: Float64Array;
  recall: Float64Array;
  scores: Float64Array;
}

/** Scratch buffers for one category (grown on demand). */
interface Scratch {
  order: Uint32Array;
  tmp: Uint32Array;
  pos: Uint32Array;
  rank: Uint32Array;
  sc: Float64Array;
  selPos: Uint32Array;
  selSc: Float64Array;
  /** Index (in the selected list) and enveloped precision of each TP. */
  tpPos: Uint32Array;
  tpPr: Float64Array;
  nTp: number;
  firstIsTp: boolean;
}

function scratch(s: Scratch | null, n: number): Scratch {
  if (s !== null && s.order.length >= n) return s;
  const m = Math.max(n, 2 * (s?.order.length ?? 512));
  return {
    order: new Uint32Array(m),
    tmp: new Uint32Array(m),
    pos: new Uint32Array(m),
    rank: new Uint32Array(m),
    sc: new Float64Array(m),
    selPos: new Uint32Array(m),
    selSc: new Float64Array(m),
    tpPos: new Uint32Array(m),
    tpPr: new Float64Array(m),
    nTp: 0,
    firstIsTp: false,
  };
}

/**
 * Accumulates per-image results into precision/recall arrays.
 *
 * For each category one stable sort by descending score of the concatenation (image order, each image's
 * detections in score order) serves every area range and maxDets: the concatenation is the same for all
 * area ranges (an image is skipped only when it has neither GT nor detection), and the sorted list for a
 * smaller maxDet is the subsequence of detections whose rank inside their image is below it.
 */
export function accumulate(evaluation: CocoEvaluation): CocoAccumulation {
  const p = evaluation.params;
  const { groups: g, dtFlags, numGt } = evaluation;
  const T = p.iouThrs.length, R = p.recThrs.length, A = p.areaRng.length, M = p.maxDets.length;
  const K = p.useCats ? p.catIds.length : 1;
  const nDet = g.nDet;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const recThrs = Float64Array.from(p.recThrs);
  // Groups by category, image order kept (groups are in (image, category) order).
  const first = new Uint32Array(K + 1);
  for (let q = 0; q < g.nGroups; q++) first[g.k[q]! + 1]!++;
  for (let k = 0; k < K; k++) first[k + 1]! += first[k]!;
  const byK = new Uint32Array(g.nGroups);
  const fill = first.slice(0, K);
  for (let q = 0; q < g.nGroups; q++) byK[fill[g.k[q]!]!++] = q;
  let s: Scratch | null = null;
  for (let k = 0; k < K; k++) {
    const q0 = first[k]!, q1 = first[k + 1]!;
    if (q0 === q1) continue; // no evaluated image: stays −1
    let n = 0;
    for (let j = q0; j < q1; j++) n += g.detCount[byK[j]!]!;
    s = scratch(s, n);
    let o = 0;
    for (let j = q0; j < q1; j++) {
      const q = byK[j]!, d0 = g.detStart[q]!, D = g.detCount[q]!;
      for (let d = 0; d < D; d++, o++) {
        s.order[o] = o;
        s.pos[o] = d0 + d;
        s.rank[o] = d;
        s.sc[o] = g.detScore[d0 + d]!;
      }
    }
    sortIndexByScoreDesc(s.order, n, s.sc, s.tmp);
    for (let m = 0; m < M; m++) {
      const maxDet = p.maxDets[m]!;
      let nd = 0;
      for (let j = 0; j < n; j++) {
        const x = s.order[j]!;
        if (s.rank[x]! >= maxDet) continue;
        s.selPos[nd] = s.pos[x]!;
        s.selSc[nd++] = s.sc[x]!;
      }
      for (let a = 0; a < A; a++) {
        const npig = numGt[k * A + a]!;
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          const tp = curve(dtFlags, (a * T + t) * nDet, s, nd);
          recall[((t * K + k) * A + a) * M + m] = nd ? tp / npig : 0;
          const at0 = (t * R * K + k) * A * M + a * M + m, stride = K * A * M;
          for (let r = 0; r < R; r++) {
            const j = searchCurve(s, nd, npig, recThrs[r]!);
            if (j === -1) {
              for (let r2 = r; r2 < R; r2++) precision[at0 + r2 * stride] = scores[at0 + r2 * stride] = 0;
              break;
            }
            // Enveloped precision at the found index: at a TP its suffix maximum; at index 0 before
            // the first TP, max(0, suffix maximum of all TPs).
            const pi = j < 0 ? 0 : s.tpPos[j]!;
            precision[at0 + r * stride] = j >= 0 ? s.tpPr[j]! : (s.nTp > 0 ? Math.max(0, s.tpPr[0]!) : 0);
            scores[at0 + r * stride] = s.selSc[pi]!;
          }
        }
      }
    }
  }
  return { dims: { T, R, K, A, M }, precision, recall, scores };
}

/**
 * Walks the `nd` selected detections' flags once and keeps, for each true positive q (in score order), its
 * index `tpPos[q]` and its precision tp/(tp + fp + eps) in `tpPr[q]`, then turns `tpPr` into suffix maxima.
 *
 * Why only TPs: recall tp/npig changes only at a TP, so `searchsorted(rc, thr)` lands on index 0 or on a
 * TP; between TPs the precision never grows (an FP lowers it, an ignored detection keeps it), so the
 * precision envelope max(pr[i..]) at a TP is the maximum over that TP and the later TPs. The values are
 * the same doubles pycocotools computes, compared with the same `>`, so the result is bit-identical to
 * building the full rc/pr arrays (see `_reference_accumulate.ts`).
 * @returns the number of TPs (tp at the last detection)
 */
function curve(flags: Uint8Array, base: number, s: Scratch, nd: number): number {
  const { selPos, tpPos, tpPr } = s;
  let tp = 0, fp = 0;
  for (let j = 0; j < nd; j++) {
    const f = flags[base + selPos[j]!]!;
    if (f & 2) continue;
    if (f & 1) {
      tpPos[tp] = j;
      tp++;
      tpPr[tp - 1] = tp / (fp + tp + EPS);
    } else fp++;
  }
  for (let q = tp - 1; q > 0; q--) if (tpPr[q]! > tpPr[q - 1]!) tpPr[q - 1] = tpPr[q]!;
  s.nTp = tp;
  s.firstIsTp = tp > 0 && tpPos[0] === 0;
  return tp;
}

/**
 * numpy `searchsorted(rc, v, side="left")` on the implicit recall array rc[j] = tp(j)/npig (as the first
 * index with !(rc[j] < v)): returns the TP number q whose index `tpPos[q]` it is, −2 for index 0 when
 * that is not a TP, or −1 when the index would be ≥ nd.
 */
function searchCurve(s: Scratch, nd: number, npig: number, v: number): number {
  if (nd === 0) return -1;
  if (!(s.firstIsTp ? 1 / npig < v : 0 / npig < v)) return s.firstIsTp ? 0 : -2;
  let lo = 0, hi = s.nTp;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((mid + 1) / npig < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.nTp ? lo : -1;
}
