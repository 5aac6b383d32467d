/**
 * The streaming observer contract (STYLE "phased APIs"): call `observe(x, shape)` any number of times
 * (one call per batch or image), then `finalize()` once for the statistics. Memory is bounded by the
 * observer's options, never by the number of batches; `bufferedValues()` reports the float values held,
 * so tests can prove the bound.
 *
 * Per-channel observers keep one statistic per index of `axis` (e.g. axis = last for token-major
 * activations [B, N, C], axis = 1 for a MatMul weight [in, out] seen per output channel).
 *
 * @module
 */

/** A streaming observer yielding statistics `S`. */
export interface Observer<S> {
  /** Adds one batch: `x` is float32, row-major with dims `shape`. The channel count must not change. */
  observe(x: Float32Array, shape: readonly number[]): void;
  /** Statistics over everything observed; throws `SamqError("invalid_argument")` if nothing was observed. */
  finalize(): S;
  /** Number of float values held in internal buffers (bounded by the options). */
  bufferedValues(): number;
}

/** Range statistics: one [min, max] per channel (length 1 when per-tensor). */
export interface RangeStats {
  min: Float64Array;
  max: Float64Array;
  /** Channel axis, absent when per-tensor. */
  axis?: number;
  /** Number of `observe` calls. */
  batches: number;
  /** Elements seen per channel. */
  count: number;
}
