/**
 * One-call COCO evaluation: index the GT, `loadResults`, `evaluate`, `accumulate`, `summarize`, plus
 * per-category AP.
 *
 * Per-category AP (detectron2's convention): the mean of the precision entries > −1 over all IoU and recall
 * thresholds for that category, area "all" and the **last** maxDets; −1 for a category without GT.
 * Keys are category ids as strings; empty when `useCats` is off.
 *
 * Empty results are valid (pycocotools would raise `IndexError`): every category with GT then has
 * precision 0 and recall 0, so AP = AR = 0 wherever a GT exists, and −1 elsewhere.
 *
 * @module
 */
import { type CocoGt, isCocoGt, loadCocoGt } from "./coco_gt.ts";
import { loadResults } from "./load_results.ts";
import { type CocoEvalOptions, type CocoEvalParams, resolveParams } from "./params.ts";
import { type CocoEvaluation, evaluate } from "./evaluate.ts";
import { accumulate, type CocoAccumulation } from "./accumulate.ts";
import { type CocoSummary, numpyMean, type StatKey, summarize, type SummaryRow } from "./summarize.ts";

/** Everything {@link evaluateCoco} computed. */
export interface CocoEvalResult {
  /** The 12 pycocotools stats. */
  stats: number[];
  /** key → value (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl). */
  summary: Record<StatKey, number>;
  /** Each stat with its IoU threshold, area range and the maxDets actually used. */
  rows: SummaryRow[];
  /** category id → AP (see the module doc). */
  perCategory: Record<string, number>;
  /** Results whose `category_id` is not a GT category, loaded but never evaluated (as pycocotools). */
  ignoredResults: number;
  params: CocoEvalParams;
  /** precision [T,R,K,A,M], recall [T,K,A,M], scores [T,R,K,A,M] with their dims. */
  accumulation: CocoAccumulation;
  evaluation: CocoEvaluation;
}

/** Per-category AP from an accumulation (area "all", last maxDets). */
export function perCategoryAp(acc: CocoAccumulation, params: CocoEvalParams): Record<string, number> {
  const out: Record<string, number> = {};
  if (!params.useCats) return out;
  const { T, R, K, A, M } = acc.dims;
  const a = Math.max(0, params.areaRngLbl.indexOf("all"));
  const m = M - 1;
  for (let k = 0; k < K; k++) {
    const vals: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < R; r++) {
        const v = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
        if (v > -1) vals.push(v);
      }
    }
    out[String(params.catIds[k])] = vals.length ? numpyMean(vals) : -1;
  }
  return out;
}

/**
 * Evaluates `results` (a parsed results list) against `gt` (parsed COCO JSON or a {@link CocoGt}).
 * @throws {SamqError} for malformed GT or results, results on images the GT lacks, mask sizes that differ
 *   from the image
 */
export function evaluateCoco(
  gt: CocoGt | unknown,
  results: unknown,
  options: CocoEvalOptions = {},
): CocoEvalResult {
  const g = isCocoGt(gt) ? gt : loadCocoGt(gt);
  const params = resolveParams(g, options);
  const dt = loadResults(g, results, params.iouType);
  const evaluation = evaluate(g, dt, params);
  const accumulation = accumulate(evaluation);
  const s: CocoSummary = summarize(accumulation, params);
  return {
    stats: s.stats,
    summary: s.named,
    rows: s.rows,
    perCategory: perCategoryAp(accumulation, params),
    ignoredResults: dt.unknownCategoryCount,
    params,
    accumulation,
    evaluation,
  };
}
