/**
 * COCO evaluation that reproduces pycocotools number for number (means as numpy < 2.3 takes them, see
 * summarize.ts), in TypeScript.
 *
 * - Mask API: RLE encode/decode (column-major runs starting with zeros), the compressed string codec,
 *   polygon/box rasterisation (`frPoly`/`frBbox`), area, box, merge and IoU with crowd semantics.
 * - Dataset: `loadCocoGt` (index) and `loadResults` (`loadRes` semantics, without mutating the input,
 *   into a struct-of-arrays table with all masks in one `RleStore`).
 * - Metric: `evaluate` → `accumulate` → `summarize` (12 stats), or everything at once with `evaluateCoco`;
 *   `formatSummary` prints pycocotools' 12-line summary.
 *
 * @example Encode a row-major mask
 * ```ts
 * import { encodeMaskRowMajor, rleToString } from "./mod.ts";
 * const rle = encodeMaskRowMajor(new Uint8Array([1, 1, 1, 1]), 2, 2);
 * rleToString(rle); // "04"
 * ```
 *
 * @module
 */
export type { Rle } from "../../mask/rle.ts";
export {
  decodeRleColumnMajor,
  decodeRleRowMajor,
  encodeMaskColumnMajor,
  encodeMaskRowMajor,
} from "../../mask/rle.ts";
export { rleFromString, rleToString } from "../../mask/rle_string.ts";
export { rleFromBbox, rleFromPolygon, rleFromPolygons } from "../../mask/fr_poly.ts";
export { rleArea, rleMerge, rleToBbox } from "../../mask/rle_ops.ts";
export { bboxIou, rleIou } from "../../mask/rle_iou.ts";
export { decodeRleString, RleStore, runsArea, runsIou, runsToBbox } from "../../mask/rle_store.ts";
export type { Segmentation } from "../../mask/ann_to_rle.ts";
export { annToRle } from "../../mask/ann_to_rle.ts";
export type { CocoAnnotation, CocoCategory, CocoGt, CocoImage, LoadCocoGtOptions } from "./coco_gt.ts";
export { loadCocoGt } from "./coco_gt.ts";
export type { CocoResults, IouType, LoadResultsOptions } from "./load_results.ts";
export { IOU_TYPES, loadResults } from "./load_results.ts";
export type { CocoEvalOptions, CocoEvalParams } from "./params.ts";
export { DEFAULTS, linspace, resolveParams } from "./params.ts";
export type { EvalImg } from "./evaluate_img.ts";
export type { CocoEvaluation } from "./evaluate.ts";
export { evaluate } from "./evaluate.ts";
export type { CocoAccumulation } from "./accumulate.ts";
export { accumulate } from "./accumulate.ts";
export type { CocoSummary, StatKey, SummaryRow } from "./summarize.ts";
export { numpyMean, pairwiseSum, STAT_KEYS, summarize } from "./summarize.ts";
export { formatFixed, formatSummary } from "./format_summary.ts";
export type { CocoEvalResult } from "./evaluate_coco.ts";
export { evaluateCoco, perCategoryAp } from "./evaluate_coco.ts";
