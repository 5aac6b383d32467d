/**
 * Percentile observer: the range [Q_{lower}, Q_{upper}] of everything observed, per tensor or per
 * channel, estimated with bounded memory from either a reservoir sample (default; numpy-style linear
 * interpolation between order statistics) or a doubling histogram. The quantizer then follows the
 * observer rule (`uniform_params_from_range.ts`).
 *
 * @module
 */
import type { Prng } from "../../util/prng.ts";
import { check } from "../_layout.ts";
import { quantileSorted } from "../stats/quantile_sorted.ts";
import { createHistogramObserver, HISTOGRAM_DEFAULTS } from "./histogram_observer.ts";
import { histogramQuantile } from "./histogram_quantile.ts";
import type { Observer, RangeStats } from "./observer.ts";
import { createReservoirObserver, RESERVOIR_DEFAULTS } from "./reservoir_observer.ts";

/** Quantile estimators of {@link createPercentileObserver}. */
export const PERCENTILE_ESTIMATORS = ["reservoir", "histogram"] as const;
/** One of {@link PERCENTILE_ESTIMATORS}. */
export type PercentileEstimator = typeof PERCENTILE_ESTIMATORS[number];

/** Options of {@link createPercentileObserver}. */
export interface PercentileObserverOptions {
  /** Seeded random source (used by the reservoir estimator). */
  prng: Prng;
  /** Channel axis for per-channel ranges. @default undefined (per-tensor) */
  axis?: number;
  /** Upper quantile level p (the range top is Q_p). @default 0.9999 */
  percentile?: number;
  /** Lower quantile level. @default 1 − percentile */
  lower?: number;
  /** Quantile estimator. @default "reservoir" */
  estimator?: PercentileEstimator;
  /** Reservoir capacity (total floats). @default 1048576 */
  capacity?: number;
  /** Histogram bins per channel. @default 2048 */
  bins?: number;
}

/** Defaults of {@link PercentileObserverOptions} (`lower` defaults to 1 − percentile). */
export const PERCENTILE_DEFAULTS = Object.freeze({
  percentile: 0.9999,
  estimator: "reservoir" as PercentileEstimator,
  capacity: RESERVOIR_DEFAULTS.capacity,
  bins: HISTOGRAM_DEFAULTS.bins,
});

/** Creates a bounded-memory percentile range observer. */
export function createPercentileObserver(options: PercentileObserverOptions): Observer<RangeStats> {
  const o = { ...PERCENTILE_DEFAULTS, ...options };
  const upper = o.percentile;
  const lower = options.lower ?? 1 - upper;
  check(upper >= 0 && upper <= 1, "percentile", `Cannot use percentile ${upper}: it must lie in [0, 1]`);
  check(
    lower >= 0 && lower <= upper,
    "lower",
    `Cannot use lower percentile ${lower}: it must lie in [0, percentile]`,
  );
  check(
    (PERCENTILE_ESTIMATORS as readonly string[]).includes(o.estimator),
    "estimator",
    `Unknown estimator "${o.estimator}"`,
  );
  const axisOpt = o.axis === undefined ? {} : { axis: o.axis };
  if (o.estimator === "histogram") {
    const inner = createHistogramObserver({ ...axisOpt, bins: o.bins });
    return {
      observe: (x, shape) => inner.observe(x, shape),
      bufferedValues: () => inner.bufferedValues(),
      finalize() {
        const s = inner.finalize();
        const out: RangeStats = {
          min: Float64Array.from(s.histograms, (h) => histogramQuantile(h, lower)),
          max: Float64Array.from(s.histograms, (h) => histogramQuantile(h, upper)),
          batches: s.batches,
          count: s.count,
        };
        if (o.axis !== undefined) out.axis = o.axis;
        return out;
      },
    };
  }
  const inner = createReservoirObserver({ ...axisOpt, prng: o.prng, capacity: o.capacity });
  return {
    observe: (x, shape) => inner.observe(x, shape),
    bufferedValues: () => inner.bufferedValues(),
    finalize() {
      const s = inner.finalize();
      const sorted = s.samples.map((v) => Float64Array.from(v).sort());
      const out: RangeStats = {
        min: Float64Array.from(sorted, (v) => quantileSorted(v, lower)),
        max: Float64Array.from(sorted, (v) => quantileSorted(v, upper)),
        batches: s.batches,
        count: s.count,
      };
      if (o.axis !== undefined) out.axis = o.axis;
      return out;
    },
  };
}
