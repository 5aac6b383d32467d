/**
 * PTQ4SAM's adaptive-granularity quantization search for post-softmax values (AGQ, spec §4.3), streamed
 * over calibration runs. For each run (one image, or one prompt of the decoder) and each τ ∈ `taus`:
 *
 *     s*_τ = argmin_{s ∈ [min(0.1, 0.01·max A), max A]}  E_p(Â_{τ,s}·V − A·V)
 *
 * by bounded scalar minimisation (`minimizeScalarBounded`, scipy "bounded"; its result is compared with
 * s = max A and the better one kept, since Brent can stop in a local minimum), where Â is the log quantizer
 * (q = clamp(⌊−τ·log2(A/s)⌉, 0, 2^b − 1), Â = s·2^{−q/τ}, Â = 0 for codes ≥ 2^b or A ≤ 0; rounding half up,
 * as `fakeQuant`) and E_p is the mean |·|^p over the output elements (p = 2.4 in the PTQ4SAM code; p = 2
 * is the paper's ‖AV − ÂV‖²_F up to a constant). The run's error at s*_τ is added to the τ's total and s*_τ
 * to its mean; `finalize` picks the τ with the smallest total and returns its mean s (float32).
 *
 * Bounded work: A is [..., Nq, Nk] and V [..., Nk, d] with equal leading dims (batch × heads, windows);
 * one evaluation costs rows × Nk × d multiply-adds, so each run uses an evenly strided subsample of the
 * query rows (row ⌊(i + ½)·T/R⌋, R = ⌊budget/(Nk·d)⌋ of T rows, at least 1), in which the row holding the
 * run's largest probability always takes the place of its nearest neighbour (saturation above s is
 * what a small sample would miss, and it costs most there). V is the float value tensor (the
 * calibration pass runs the float graph; PTQ4SAM uses the quantized V). Without V the error is taken on
 * Â − A itself (a fallback for attentions whose V does not match A). A run may also bring only a sample
 * of A's rows (the encoder's in-graph "rows" tap reduction: SAM-B's global attention A is 4096² per head)
 * with each row's index; max A is then the sample's.
 *
 * Pure math: no I/O; memory is one run's subsample.
 *
 * @module
 */
import { check } from "../../_layout.ts";
import type { BitWidth } from "../../quantizers/quantizer_params.ts";
import { minimizeScalarBounded } from "../../search/minimize_scalar_bounded.ts";

/** Options of {@link createAgqSearch}. */
export interface AgqSearchOptions {
  bits: BitWidth;
  /** Candidate grid parameters τ (spec §4.3: 1, 2, 4). */
  taus: readonly number[];
  /** Exponent p of the output error (2.4: PTQ4SAM code; 2: MSE, the paper's statement). */
  p: number;
  /** Multiply-adds of one objective evaluation per run (rows × Nk × d). */
  budget: number;
}

/** Totals of one τ. */
export interface AgqTauResult {
  tau: number;
  /** Sum over runs of the minimised mean error. */
  error: number;
  /** Mean over runs of s*. */
  scale: number;
}

/** Result of {@link AgqSearch.finalize}. */
export interface AgqResult {
  tau: number;
  /** Mean s* of the chosen τ, rounded to float32. */
  scale: number;
  runs: number;
  /** Query rows used per run (the last run's count). */
  rows: number;
  /** True when the error was taken on A (no matching V). */
  probsOnly: boolean;
  perTau: AgqTauResult[];
}

/** One run's tensors. */
export interface AgqRun {
  /** A: the whole tensor ([..., Nq, Nk]), or a sample of its rows ([n, Nk]) with `rowIndex`. */
  a: Float32Array;
  aShape: readonly number[];
  /** For a row sample: each row's index among the rows of the whole A seen as [−1, Nk], and Nq. */
  rowIndex?: ArrayLike<number>;
  nq?: number;
  /** V ([..., Nk, d], leading dims as A's); absent: the error is taken on A itself. */
  v?: Float32Array;
  vShape?: readonly number[];
}

/** A streaming AGQ search. */
export interface AgqSearch {
  /** Adds one run. */
  observe(run: AgqRun): void;
  /** The chosen τ and s; throws `invalid_argument` when no run was observed. */
  finalize(): AgqResult;
}

/** Creates an AGQ search. */
export function createAgqSearch(options: AgqSearchOptions): AgqSearch {
  const { bits, taus, p, budget } = options;
  check(taus.length > 0 && taus.every((t) => t > 0), "taus", "AGQ needs at least one τ > 0");
  check(p > 0, "p", `Cannot use L_p with p = ${p}`);
  check(Number.isInteger(budget) && budget >= 1, "budget", `Cannot use an AGQ budget of ${budget}`);
  const levels = 2 ** bits;
  const luts = taus.map((t) => Float64Array.from({ length: levels }, (_, q) => 2 ** (-q / t)));
  const errors = new Float64Array(taus.length);
  const scales = new Float64Array(taus.length);
  let runs = 0, rows = 0, probsOnly = false;
  return {
    observe(run) {
      const s = sampleRows(run, budget);
      if (s === undefined) return;
      rows = s.rows;
      probsOnly ||= s.d === 0;
      const lo = Math.min(0.1, 0.01 * s.maxA), hi = s.maxA;
      taus.forEach((tau, t) => {
        const f = (scale: number) => outputError(s, tau, luts[t]!, levels, scale, p);
        const best = minimizeScalarBounded(f, lo, hi);
        // Brent can stop in a local minimum of this piecewise objective; s = max A (no saturation) is
        // the natural fallback, so it is kept when it is better.
        const top = f(hi);
        const [x, fx] = top < best.fx ? [hi, top] : [best.x, best.fx];
        errors[t] = errors[t]! + fx;
        scales[t] = scales[t]! + x;
      });
      runs++;
    },
    finalize() {
      check(runs > 0, "runs", "Cannot finish the AGQ search: no run was observed");
      let best = 0;
      for (let t = 1; t < taus.length; t++) if (errors[t]! < errors[best]!) best = t;
      return {
        tau: taus[best]!,
        scale: Math.fround(scales[best]! / runs),
        runs,
        rows,
        probsOnly,
        perTau: taus.map((tau, t) => ({ tau, error: errors[t]!, scale: scales[t]! / runs })),
      };
    },
  };
}

/** One run's subsample: R rows of A (with log2), their V blocks and the float reference A·V. */
interface RowSample {
  rows: number;
  nk: number;
  /** Head dim d; 0 when the error is taken on A itself. */
  d: number;
  maxA: number;
  /** A rows [R, Nk] and log2 A (−∞ for A ≤ 0). */
  a: Float64Array;
  log2a: Float64Array;
  /** Offsets of each row's V block [Nk, d] in `v`. */
  vOffset: Int32Array;
  v: Float32Array | undefined;
  /** A·V for each row [R, d] (float64). */
  ref: Float64Array;
}

function sampleRows(run: AgqRun, budget: number): RowSample | undefined {
  const { a, aShape, v, vShape, rowIndex } = run;
  check(aShape.length >= 2, "aShape", `Cannot search AGQ on a rank-${aShape.length} tensor`);
  const nk = aShape[aShape.length - 1]!;
  const nq = rowIndex === undefined ? aShape[aShape.length - 2]! : run.nq!;
  const total = a.length / Math.max(nk, 1);
  if (a.length === 0) return undefined;
  check(
    rowIndex === undefined || (rowIndex.length === total && nq > 0),
    "rowIndex",
    "Cannot use a row sample without one index per row and Nq",
  );
  const indexOf = (r: number) => (rowIndex === undefined ? r : rowIndex[r]!);
  let d = 0;
  if (v !== undefined && vShape !== undefined) {
    d = vShape[vShape.length - 1]!;
    let top = 0;
    for (let r = 0; r < total; r++) top = Math.max(top, indexOf(r));
    const lead = rowIndex === undefined ? a.length / (nq * nk) : Math.floor(top / nq) + 1;
    check(
      vShape.length >= 2 && vShape[vShape.length - 2] === nk &&
        (rowIndex === undefined ? v.length === lead * nk * d : v.length >= lead * nk * d),
      "vShape",
      `Cannot pair A [${aShape.join(", ")}] with V [${vShape.join(", ")}]`,
    );
  }
  let maxA = 0, argmax = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > maxA) {
      maxA = a[i]!;
      argmax = i;
    }
  }
  if (!(maxA > 0)) return undefined;
  const R = Math.max(1, Math.min(total, Math.floor(budget / (nk * Math.max(d, 1)))));
  const picked = Array.from({ length: R }, (_, r) => Math.floor(((r + 0.5) * total) / R));
  // The row holding the largest probability replaces its nearest strided neighbour: saturation above s
  // is what a small sample misses, and that row is where it costs most.
  const maxRow = Math.floor(argmax / nk);
  if (!picked.includes(maxRow)) picked[Math.min(R - 1, Math.floor((maxRow * R) / total))] = maxRow;
  const rowA = new Float64Array(R * nk);
  const log2a = new Float64Array(R * nk);
  const vOffset = new Int32Array(R);
  const ref = new Float64Array(R * Math.max(d, 1));
  for (let r = 0; r < R; r++) {
    const row = picked[r]!;
    for (let k = 0; k < nk; k++) {
      const x = a[row * nk + k]!;
      rowA[r * nk + k] = x;
      log2a[r * nk + k] = x > 0 ? Math.log2(x) : -Infinity;
    }
    if (d > 0) {
      const off = Math.floor(indexOf(row) / nq) * nk * d;
      vOffset[r] = off;
      for (let k = 0; k < nk; k++) {
        const ak = rowA[r * nk + k]!;
        if (ak === 0) continue;
        for (let j = 0; j < d; j++) ref[r * d + j] = ref[r * d + j]! + ak * v![off + k * d + j]!;
      }
    }
  }
  return { rows: R, nk, d, maxA, a: rowA, log2a, vOffset, v, ref };
}

/** Mean |Â·V − A·V|^p over the sample (or mean |Â − A|^p when d = 0). */
function outputError(
  s: RowSample,
  tau: number,
  lut: Float64Array,
  levels: number,
  scale: number,
  p: number,
): number {
  const { rows, nk, d } = s;
  const log2s = Math.log2(scale);
  const aq = new Float64Array(nk);
  const e = new Float64Array(Math.max(d, 1));
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * nk;
    for (let k = 0; k < nk; k++) {
      const code = Math.floor(-tau * (s.log2a[base + k]! - log2s) + 0.5);
      aq[k] = code >= levels || !(s.a[base + k]! > 0) ? 0 : scale * lut[Math.max(code, 0)]!;
    }
    if (d === 0) {
      for (let k = 0; k < nk; k++) sum += pow(Math.abs(aq[k]! - s.a[base + k]!), p);
      continue;
    }
    const v = s.v!, off = s.vOffset[r]!;
    e.fill(0);
    for (let k = 0; k < nk; k++) {
      const x = aq[k]!;
      if (x === 0) continue;
      const vk = off + k * d;
      for (let j = 0; j < d; j++) e[j] = e[j]! + x * v[vk + j]!;
    }
    for (let j = 0; j < d; j++) sum += pow(Math.abs(e[j]! - s.ref[r * d + j]!), p);
  }
  return sum / (rows * Math.max(d, 1) * (d === 0 ? nk : 1));
}

function pow(x: number, p: number): number {
  return p === 2 ? x * x : x ** p;
}
