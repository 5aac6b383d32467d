/**
 * PQ-SAM OHC stage 2 (spec §3.2): iterative "central group" peeling of channels.
 *
 * With a = min(α, 1 − α), b = max(α, 1 − α) and R = all channels, repeat until R is empty:
 * 1. L = Q_a, U = Q_b over the values of the channels in R (tensor level);
 * 2. per channel c ∈ R: ℓ_c = Q_a(x_c), u_c = Q_b(x_c);
 * 3. G = {c ∈ R : ℓ_c ≥ L and u_c ≤ U}; if G is empty, G = {the c ∈ R whose median is closest to (L + U)/2}
 *    (ties: lowest channel index);
 * 4. emit G, R ← R \ G.
 *
 * The groups come out in hierarchy order: the bulk first, then progressively more outlying channels.
 * Input values should already be truncated to the stage-1 fence. Per-channel quantiles use at most
 * `maxRowsPerChannel` evenly strided rows (4,096 in the re-implementation); tensor-level quantiles use
 * the remaining channels of evenly strided rows, about `maxTensorValues` values (at least one row).
 * Quantiles: numpy linear.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { quantileSorted } from "../stats/quantile_sorted.ts";

/** Options of {@link centralGroupPeeling}. */
export interface CentralGroupPeelingOptions {
  /** Quantile level α (PQ-SAM best: 0.25, i.e. the IQR; the re-implementation uses 0.9). @default 0.25 */
  alpha?: number;
  /** Rows used for each channel's quantiles. @default 4096 */
  maxRowsPerChannel?: number;
  /** About how many values the tensor-level quantiles of each step use (whole rows). @default 1048576 */
  maxTensorValues?: number;
}

/** Defaults of {@link CentralGroupPeelingOptions}. */
export const CENTRAL_GROUP_PEELING_DEFAULTS = Object.freeze({
  alpha: 0.25,
  maxRowsPerChannel: 4096,
  maxTensorValues: 1 << 20,
});

/**
 * Groups the channels of `values` (float32, row-major [rows, channels]: token rows × C).
 * Returns the groups in hierarchy order, each an ascending list of channel indices.
 */
export function centralGroupPeeling(
  values: Float32Array,
  dims: { rows: number; channels: number },
  options: CentralGroupPeelingOptions = {},
): number[][] {
  const o = { ...CENTRAL_GROUP_PEELING_DEFAULTS, ...options };
  const { rows, channels } = dims;
  check(
    rows > 0 && channels > 0 && values.length === rows * channels,
    "dims",
    `Cannot use dims ${rows}×${channels} for ${values.length} values`,
  );
  check(o.alpha > 0 && o.alpha < 1, "alpha", `Cannot use alpha ${o.alpha}: it must lie in (0, 1)`);
  const a = Math.min(o.alpha, 1 - o.alpha);
  const b = Math.max(o.alpha, 1 - o.alpha);
  const rowStride = Math.max(1, Math.ceil(rows / o.maxRowsPerChannel));
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  const med = new Float64Array(channels);
  const col = new Float64Array(Math.ceil(rows / rowStride));
  for (let c = 0; c < channels; c++) {
    for (let r = 0, k = 0; r < rows; r += rowStride, k++) col[k] = values[r * channels + c]!;
    col.sort();
    lo[c] = quantileSorted(col, a);
    hi[c] = quantileSorted(col, b);
    med[c] = quantileSorted(col, 0.5);
  }
  let remaining = Array.from({ length: channels }, (_, c) => c);
  const groups: number[][] = [];
  while (remaining.length > 0) {
    // Whole rows of the remaining channels, rows evenly strided: every channel keeps its share of the
    // pool (a stride over the flattened values would alias with the channel count and skip channels).
    const m = remaining.length;
    const rowStep = Math.max(1, Math.ceil((rows * m) / o.maxTensorValues));
    const pool = new Float64Array(Math.ceil(rows / rowStep) * m);
    let k = 0;
    for (let r = 0; r < rows; r += rowStep) {
      for (const c of remaining) pool[k++] = values[r * channels + c]!;
    }
    const sorted = pool.subarray(0, k).sort();
    const L = quantileSorted(sorted, a);
    const U = quantileSorted(sorted, b);
    let group = remaining.filter((c) => lo[c]! >= L && hi[c]! <= U);
    if (group.length === 0) {
      const mid = (L + U) / 2;
      let best = remaining[0]!;
      for (const c of remaining) if (Math.abs(med[c]! - mid) < Math.abs(med[best]! - mid)) best = c;
      group = [best];
    }
    const inGroup = new Set(group);
    remaining = remaining.filter((c) => !inGroup.has(c));
    groups.push(group);
  }
  return groups;
}
