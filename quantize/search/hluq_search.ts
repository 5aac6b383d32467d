/**
 * AHCPTQ's HLUQ grid search (spec §10; official `HybridParamObserver`): for every (range_rate,
 * grid_rate) pair, HLUQ parameters from the observed range (`hluqParamsFromRange`), scored by the error
 * of the next Linear's output, mean(((x̂ − x)·W)²) — the official L2 between F.linear(x̂) and F.linear(x),
 * in which the bias cancels. The pair with the least error wins.
 *
 * Two simplifications of the official observer, both for bounded host work: the error is taken on a
 * sample of token rows (the caller's reservoir) instead of every token of every calibration run, and
 * every candidate uses the final averaged range, where the official code scores run i with the running
 * average of runs 0 … i (the same range at the end, and the same argmin when the runs agree).
 *
 * Pure: typed arrays in, a plain record out.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { check } from "../_layout.ts";
import { fakeQuantHluq, hluqLogLevels, hluqParamsFromRange } from "../quantizers/hluq.ts";
import type { BitWidth, HluqQuantizerParams } from "../quantizers/quantizer_params.ts";

/** What {@link searchHluq} scores. */
export interface HluqSearchInput {
  /** Sampled input rows, row-major float32 [rows, cin]. */
  rows: Float32Array;
  cin: number;
  /** The next Linear's weight as [cin, cout], row-major float32. */
  weight: Float32Array;
  cout: number;
  /** Averaged tensor range. */
  min: number;
  max: number;
  bits: BitWidth;
  rangeRates: readonly number[];
  gridRates: readonly number[];
}

/** One scored candidate. */
export interface HluqCandidate {
  rangeRate: number;
  gridRate: number;
  error: number;
}

/** Result of {@link searchHluq}. */
export interface HluqSearchResult {
  params: HluqQuantizerParams;
  rangeRate: number;
  gridRate: number;
  /** Every valid candidate, in (rangeRate, gridRate) order. */
  candidates: HluqCandidate[];
}

/**
 * Scores every candidate; ties keep the first (rangeRate, then gridRate, in the given order).
 *
 * @throws {SamqError} `invalid_argument` when no grid rate fits 2^b levels, or the range is empty.
 */
export function searchHluq(input: HluqSearchInput): HluqSearchResult {
  const { rows, cin, weight, cout } = input;
  check(
    cin >= 1 && rows.length % cin === 0,
    "rows",
    `Cannot read rows of ${cin} channels from ${rows.length} values`,
  );
  check(
    weight.length === cin * cout,
    "weight",
    `Weight has ${weight.length} values, expected ${cin}×${cout}`,
  );
  const candidates: HluqCandidate[] = [];
  let best: { params: HluqQuantizerParams; c: HluqCandidate } | undefined;
  for (const rangeRate of input.rangeRates) {
    for (const gridRate of input.gridRates) {
      if (hluqLogLevels(input.bits, gridRate) === undefined) continue;
      const params = hluqParamsFromRange(input.min, input.max, input.bits, rangeRate, gridRate);
      const c = {
        rangeRate,
        gridRate,
        error: outputError(rows, fakeQuantHluq(rows, params), weight, cin, cout),
      };
      candidates.push(c);
      if (best === undefined || c.error < best.c.error) best = { params, c };
    }
  }
  if (best === undefined) {
    throw new SamqError(
      "invalid_argument",
      `Cannot search HLUQ at ${input.bits} bits: no grid rate of ${
        input.gridRates.join(", ")
      } gives whole log levels`,
      { field: "hluqGridRates" },
    );
  }
  return { params: best.params, rangeRate: best.c.rangeRate, gridRate: best.c.gridRate, candidates };
}

/** mean over rows × cout of ((x̂ − x)·W)². */
function outputError(x: Float32Array, xq: Float32Array, w: Float32Array, cin: number, cout: number): number {
  const n = x.length / cin;
  if (n === 0) return 0;
  const d = new Float64Array(cin);
  const y = new Float64Array(cout);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < cin; i++) d[i] = xq[r * cin + i]! - x[r * cin + i]!;
    y.fill(0);
    for (let i = 0; i < cin; i++) {
      const di = d[i]!;
      if (di === 0) continue;
      const base = i * cout;
      for (let o = 0; o < cout; o++) y[o]! += di * w[base + o]!;
    }
    for (let o = 0; o < cout; o++) sum += y[o]! ** 2;
  }
  return sum / (n * cout);
}
