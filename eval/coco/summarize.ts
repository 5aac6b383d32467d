/**
 * Phase 3 of COCOeval: the 12 detection stats (`summarize`, cocoeval.py:422-493, spec §B4.7).
 *
 * Each stat is the mean of the selected entries > −1 (−1 when there are none). The selection is taken in
 * numpy's C order of the sliced array (IoU threshold outermost, then recall threshold, then category) and
 * summed as `np.add.reduce` does: the reduction iterator hands the inner loop chunks of at most 8192
 * elements (numpy's buffer size), each chunk is summed with **pairwise summation** (8-way unrolled blocks
 * of ≤ 128, split halves rounded to a multiple of 8) and the chunk sums are added left to right; then
 * divided by n. This reproduces `np.mean` of numpy < 2.3 bit for bit, which made the golden stats
 * (numpy 1.24.2). numpy 2.3 (gh-27883, "Reorganize buffered iteration setup") stopped chunking reductions
 * that need no buffer, so with it pycocotools sums all n pairwise at once and can differ in the last bit
 * once n > 8192: APs of the golden segm fixture (n = 49,490) is 0.3873740315997838 with numpy 1.24 and
 * 0.3873740315997837 with numpy 2.4. A left-to-right sum would differ by ~1e-14.
 *
 * Stat 0 uses the literal maxDets 100 of `_summarize`'s default: if `maxDets` lacks 100 it is −1.
 * Stats 1-5 and 8-11 use maxDets[2], stat 6 maxDets[0], stat 7 maxDets[1] (at least 3 values needed).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { CocoAccumulation } from "./accumulate.ts";
import type { CocoEvalParams } from "./params.ts";

/** Names of the 12 stats, in `stats` order. */
export const STAT_KEYS = [
  "AP",
  "AP50",
  "AP75",
  "APs",
  "APm",
  "APl",
  "AR1",
  "AR10",
  "AR100",
  "ARs",
  "ARm",
  "ARl",
] as const;
/** One of {@link STAT_KEYS}. */
export type StatKey = typeof STAT_KEYS[number];

/** One summary line: what was averaged and the value. */
export interface SummaryRow {
  key: StatKey;
  metric: "AP" | "AR";
  /** null = mean over all IoU thresholds. */
  iouThr: number | null;
  areaRng: string;
  /** The maxDets value actually used (AR1/AR10/AR100 name positions 0/1/2 of `maxDets`). */
  maxDets: number;
  value: number;
}

/** Output of {@link summarize}. */
export interface CocoSummary {
  /** The 12 numbers of pycocotools' `stats`. */
  stats: number[];
  rows: SummaryRow[];
  /** key → value. */
  named: Record<StatKey, number>;
}

/** numpy's pairwise sum of `a[off .. off + n)` (`pairwise_sum_DOUBLE`). */
export function pairwiseSum(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [
      a[off]!,
      a[off + 1]!,
      a[off + 2]!,
      a[off + 3]!,
      a[off + 4]!,
      a[off + 5]!,
      a[off + 6]!,
      a[off + 7]!,
    ];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[off + i + j]!;
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[off + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
}

/** numpy's buffer size: `np.add.reduce` sums a 1-D array in chunks of this many elements. */
export const NUMPY_BUFSIZE = 8192;

/** `np.mean(x)` for a 1-D float64 array (see the module doc for the summation order). */
export function numpyMean(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i += NUMPY_BUFSIZE) {
    sum += pairwiseSum(x, i, Math.min(NUMPY_BUFSIZE, x.length - i));
  }
  return sum / x.length;
}

function stat(
  acc: CocoAccumulation,
  p: CocoEvalParams,
  ap: boolean,
  iouThr: number | null,
  areaLbl: string,
  maxDets: number,
): number {
  const { T, R, K, A, M } = acc.dims;
  const a = p.areaRngLbl.indexOf(areaLbl);
  const m = p.maxDets.indexOf(maxDets);
  if (a < 0 || m < 0) return -1;
  const ts: number[] = [];
  for (let t = 0; t < T; t++) if (iouThr === null || p.iouThrs[t] === iouThr) ts.push(t);
  const vals: number[] = [];
  for (const t of ts) {
    if (ap) {
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < K; k++) {
          const v = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
          if (v > -1) vals.push(v);
        }
      }
    } else {
      for (let k = 0; k < K; k++) {
        const v = acc.recall[((t * K + k) * A + a) * M + m]!;
        if (v > -1) vals.push(v);
      }
    }
  }
  return vals.length === 0 ? -1 : numpyMean(vals);
}

/**
 * Computes the 12 detection stats.
 * @throws {SamqError} `invalid_argument` when `params.maxDets` has fewer than 3 values
 */
export function summarize(acc: CocoAccumulation, params: CocoEvalParams): CocoSummary {
  const md = params.maxDets;
  if (md.length < 3) {
    throw new SamqError("invalid_argument", `Cannot summarize: "maxDets" needs 3 values, got ${md.length}`, {
      field: "maxDets",
    });
  }
  const spec: [boolean, number | null, string, number][] = [
    [true, null, "all", 100],
    [true, 0.5, "all", md[2]!],
    [true, 0.75, "all", md[2]!],
    [true, null, "small", md[2]!],
    [true, null, "medium", md[2]!],
    [true, null, "large", md[2]!],
    [false, null, "all", md[0]!],
    [false, null, "all", md[1]!],
    [false, null, "all", md[2]!],
    [false, null, "small", md[2]!],
    [false, null, "medium", md[2]!],
    [false, null, "large", md[2]!],
  ];
  const rows = spec.map(([ap, iouThr, areaRng, maxDets], i): SummaryRow => ({
    key: STAT_KEYS[i]!,
    metric: ap ? "AP" : "AR",
    iouThr,
    areaRng,
    maxDets,
    value: stat(acc, params, ap, iouThr, areaRng, maxDets),
  }));
  const named = Object.fromEntries(rows.map((r) => [r.key, r.value])) as Record<StatKey, number>;
  return { stats: rows.map((r) => r.value), rows, named };
}
