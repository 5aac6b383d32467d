/**
 * Audit helper: proves that a quantizer was active on a tensor. A fake-quantized tensor must take at most
 * `maxLevels` distinct values per channel, and every value must lie on the quantizer's grid.
 *
 * | kind    | grid                                   | maxLevels  |
 * |---------|----------------------------------------|------------|
 * | uniform | Δ·(k − z), k integer ∈ [qmin, qmax]     | 2^b        |
 * | log     | s·2^{−k/τ}, k integer ∈ [0, 2^b − 1], and 0 | 2^b + 1 |
 * | hluq    | the level table of `hluq.ts` (0, log and uniform levels, shifted) | 2^b |
 *
 * A value is on the grid when its code (x/Δ + z, or −τ·log2(x/s)) is within `tolerance` of an integer in
 * range. The default tolerance 1e-3 (in code units) absorbs float32 rounding of Δ·(q − z) by a far margin
 * while rejecting any unquantized float. HLUQ levels are not equally spaced in any one code, so there a
 * value is on the grid when it is within `tolerance` times the gap to the neighbouring level of a level.
 *
 * @module
 */
import { channelLayout } from "../_layout.ts";
import type { HluqQuantizerParams, LogQuantizerParams, QuantizerParams } from "./quantizer_params.ts";
import { hluqLevels } from "./hluq.ts";
import { uniformQRange } from "./uniform_qrange.ts";
import { validateQuantizerParams } from "./validate_quantizer_params.ts";

/** Result of {@link countDistinctOnGrid}. */
export interface GridCount {
  /** Largest number of distinct values in one channel (the whole tensor when per-tensor). */
  maxDistinct: number;
  /** Number of distinct values over the whole tensor. */
  totalDistinct: number;
  /** Allowed distinct values per channel: 2^b (uniform) or 2^b + 1 (log, with its zero). */
  maxLevels: number;
  /** Elements whose value is not on the grid (NaN counts as off-grid). */
  offGrid: number;
  /** `maxDistinct <= maxLevels && offGrid === 0`. */
  ok: boolean;
}

/** Options of {@link countDistinctOnGrid}. */
export interface GridCountOptions {
  /** Distance in code units within which a value counts as on the grid. @default 1e-3 */
  tolerance?: number;
}

/** Defaults of {@link GridCountOptions}. */
export const GRID_COUNT_DEFAULTS = Object.freeze({ tolerance: 1e-3 });

/** Counts distinct values of `values` (row-major `shape`) and checks them against the grid of `params`. */
export function countDistinctOnGrid(
  values: Float32Array,
  shape: readonly number[],
  params: QuantizerParams,
  options: GridCountOptions = {},
): GridCount {
  validateQuantizerParams(params, shape);
  const tol = options.tolerance ?? GRID_COUNT_DEFAULTS.tolerance;
  const axis = params.kind === "uniform" ? params.axis : undefined;
  const { channels, inner } = channelLayout(values.length, shape, axis);
  const levels = 2 ** params.bits;
  const range = params.kind === "uniform"
    ? uniformQRange(params.bits, params.symmetric)
    : { qmin: 0, qmax: levels - 1 };
  // Distinct values are counted as distinct grid codes (plus the log grid's exact zero): a value within
  // `tol` code units of code k is that grid value. One byte per (channel, code) instead of a Set per
  // element keeps the audit linear and allocation-free on tensors of tens of millions of values.
  const width = range.qmax - range.qmin + 2; // codes, plus one slot for the log quantizer's zero
  const seen = new Uint8Array(channels * width);
  const seenAll = new Uint8Array(width);
  let offGrid = 0;
  const hluq = params.kind === "hluq" ? hluqSlots(params) : undefined;
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    const v = values[i]!;
    let slot: number;
    if (hluq !== undefined) {
      const j = hluq(v, tol);
      if (j < 0) {
        offGrid++;
        continue;
      }
      slot = j;
    } else if (params.kind === "uniform") {
      const code = v / params.scale[c]! + params.zeroPoint[c]!;
      const k = Math.round(code);
      if (!(Math.abs(code - k) <= tol && k >= range.qmin && k <= range.qmax)) {
        offGrid++;
        continue;
      }
      slot = k - range.qmin;
    } else if (v === 0) {
      slot = width - 1;
    } else {
      const lp = params as LogQuantizerParams;
      const code = -lp.tau * Math.log2(v / lp.scale);
      const k = Math.round(code);
      if (!(Math.abs(code - k) <= tol && k >= range.qmin && k <= range.qmax)) {
        offGrid++;
        continue;
      }
      slot = k - range.qmin;
    }
    seen[c * width + slot] = 1;
    seenAll[slot] = 1;
  }
  const perChannel = Array.from({ length: channels }, (_, c) => {
    let n = 0;
    for (let j = 0; j < width; j++) n += seen[c * width + j]!;
    return { size: n };
  });
  // Across channels the same code is a different value when Δ or z differ: count grid values (≤ C·2^b).
  let totalDistinct = 0;
  if (channels === 1) {
    for (let j = 0; j < width; j++) totalDistinct += seenAll[j]!;
  } else {
    const values = new Set<number>();
    for (let c = 0; c < channels; c++) {
      for (let j = 0; j < width; j++) {
        if (!seen[c * width + j]) continue;
        const k = j + range.qmin;
        values.add(
          params.kind === "uniform"
            ? Math.fround(Math.fround(k - params.zeroPoint[c]!) * params.scale[c]!)
            : params.kind === "hluq"
            ? j
            : j === width - 1
            ? 0
            : params.scale * 2 ** (-k / params.tau),
        );
      }
    }
    totalDistinct = values.size;
  }
  const all = { size: totalDistinct };
  let maxDistinct = 0;
  for (const s of perChannel) maxDistinct = Math.max(maxDistinct, s.size);
  const maxLevels = params.kind === "log" ? levels + 1 : levels;
  return {
    maxDistinct,
    totalDistinct: all.size,
    maxLevels,
    offGrid,
    ok: maxDistinct <= maxLevels && offGrid === 0,
  };
}

/**
 * For HLUQ: a function from a value to the slot of the level it sits on (the first index of equal
 * levels, so that levels that coincide in float32 count once), or −1 when it is off the grid.
 */
function hluqSlots(p: HluqQuantizerParams): (v: number, tol: number) => number {
  const t = hluqLevels(p);
  const first = Int32Array.from(t, (_, i) => {
    let j = i;
    while (j > 0 && t[j - 1] === t[i]) j--;
    return j;
  });
  return (v, tol) => {
    if (!Number.isFinite(v)) return -1;
    let lo = 0, hi = t.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (t[mid]! <= v) lo = mid;
      else hi = mid;
    }
    const j = Math.abs(v - t[lo]!) <= Math.abs(t[hi]! - v) ? lo : hi;
    if (v === t[j]) return first[j]!;
    const below = t[first[j]! - 1], above = t.find((x, k) => k > j && x !== t[j]);
    const gap = Math.min(
      below === undefined ? Infinity : t[j]! - below,
      above === undefined ? Infinity : above - t[j]!,
    );
    return Math.abs(v - t[j]!) <= tol * (Number.isFinite(gap) ? gap : Math.abs(t[j]!) || 1) ? first[j]! : -1;
  };
}
