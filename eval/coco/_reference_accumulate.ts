/**
 * Reference (pre-optimisation) `accumulate`, kept for the self-consistency test only: a transcription of
 * cocoeval.py's accumulate (spec §B4.6) over `EvalImg` objects, with `Array.prototype.sort` (stable) for
 * the global score order. Never re-exported.
 *
 * @module
 */
import type { ReferenceEvaluation } from "./_reference_evaluate.ts";
import type { CocoAccumulation } from "./accumulate.ts";
import type { EvalImg } from "./evaluate_img.ts";

const EPS = 2.220446049250313e-16;

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
export function referenceAccumulate(evaluation: ReferenceEvaluation): CocoAccumulation {
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
