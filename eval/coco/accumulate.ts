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
import type { EvalImg } from "./evaluate_img.ts";

const EPS = 2.220446049250313e-16;

/** Output of {@link accumulate}. */
export interface CocoAccumulation {
  /** [T, R, K, A, M]. */
  dims: { T: number; R: number; K: number; A: number; M: number };
  precision: Float64Array;
  recall: Float64Array;
  scores: Float64Array;
}

/** First index i with sorted[i] ≥ v (numpy `searchsorted(side="left")`). */
function searchLeft(sorted: Float64Array, n: number, v: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Accumulates per-image results into precision/recall arrays. */
export function accumulate(evaluation: CocoEvaluation): CocoAccumulation {
  const p = evaluation.params;
  const T = p.iouThrs.length, R = p.recThrs.length, A = p.areaRng.length, M = p.maxDets.length;
  const K = p.useCats ? p.catIds.length : 1;
  const I = p.imgIds.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const recThrs = Float64Array.from(p.recThrs);
  const maxAll = p.maxDets[M - 1]!;
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const E: EvalImg[] = [];
      for (let i = 0; i < I; i++) {
        const e = evaluation.evalImgs[k * A * I + a * I + i];
        if (e) E.push(e);
      }
      if (E.length === 0) continue;
      let npig = 0;
      let n = 0;
      for (const e of E) {
        for (let g = 0; g < e.gtIgnore.length; g++) if (e.gtIgnore[g] === 0) npig++;
        n += Math.min(e.dtScores.length, maxAll);
      }
      if (npig === 0) continue;
      // Concatenate (image order) with each detection's rank inside its image, then one stable sort;
      // the sorted list for a smaller maxDet is the subsequence with rank < maxDet.
      const sc = new Float64Array(n);
      const rank = new Uint32Array(n);
      const src = new Uint32Array(n); // index of the EvalImg
      let o = 0;
      E.forEach((e, j) => {
        const D = Math.min(e.dtScores.length, maxAll);
        for (let d = 0; d < D; d++, o++) {
          sc[o] = e.dtScores[d]!;
          rank[o] = d;
          src[o] = j;
        }
      });
      const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => sc[y]! - sc[x]!);
      for (let m = 0; m < M; m++) {
        const maxDet = p.maxDets[m]!;
        const sel = order.filter((i) => rank[i]! < maxDet);
        const nd = sel.length;
        const tp = new Float64Array(nd), fp = new Float64Array(nd);
        const rc = new Float64Array(nd), pr = new Float64Array(nd);
        for (let t = 0; t < T; t++) {
          let ctp = 0, cfp = 0;
          for (let j = 0; j < nd; j++) {
            const i = sel[j]!;
            const e = E[src[i]!]!;
            const D = e.dtScores.length;
            const idx = t * D + rank[i]!;
            if (!e.dtIgnore[idx]) {
              if (e.dtMatches[idx] !== 0) ctp++;
              else cfp++;
            }
            tp[j] = ctp;
            fp[j] = cfp;
          }
          for (let j = 0; j < nd; j++) {
            rc[j] = tp[j]! / npig;
            pr[j] = tp[j]! / (fp[j]! + tp[j]! + EPS);
          }
          recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1]! : 0;
          for (let j = nd - 1; j > 0; j--) if (pr[j]! > pr[j - 1]!) pr[j - 1] = pr[j]!;
          for (let r = 0; r < R; r++) {
            const pi = searchLeft(rc, nd, recThrs[r]!);
            const at = (((t * R + r) * K + k) * A + a) * M + m;
            if (pi >= nd) {
              for (let r2 = r; r2 < R; r2++) {
                const at2 = (((t * R + r2) * K + k) * A + a) * M + m;
                precision[at2] = 0;
                scores[at2] = 0;
              }
              break;
            }
            precision[at] = pr[pi]!;
            scores[at] = sc[sel[pi]!]!;
          }
        }
      }
    }
  }
  return { dims: { T, R, K, A, M }, precision, recall, scores };
}
