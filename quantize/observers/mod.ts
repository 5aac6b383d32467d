/**
 * Streaming calibration observers (`observe` any number of times, then `finalize`) with bounded memory.
 *
 * @module
 */
export type { Observer, RangeStats } from "./observer.ts";
export { createMinMaxObserver } from "./min_max_observer.ts";
export type { MinMaxObserverOptions } from "./min_max_observer.ts";
export { createAvgMinMaxObserver } from "./avg_min_max_observer.ts";
export type { AvgMinMaxObserverOptions } from "./avg_min_max_observer.ts";
export { createReservoirObserver, RESERVOIR_DEFAULTS } from "./reservoir_observer.ts";
export type { ReservoirObserverOptions, ReservoirStats } from "./reservoir_observer.ts";
export { createHistogramObserver, HISTOGRAM_DEFAULTS } from "./histogram_observer.ts";
export type { HistogramObserverOptions, HistogramStats } from "./histogram_observer.ts";
export { histogramQuantile } from "./histogram_quantile.ts";
export type { Histogram } from "./histogram_quantile.ts";
export {
  createPercentileObserver,
  PERCENTILE_DEFAULTS,
  PERCENTILE_ESTIMATORS,
} from "./percentile_observer.ts";
export type { PercentileEstimator, PercentileObserverOptions } from "./percentile_observer.ts";
export { createLpObserver, LP_OBSERVER_DEFAULTS, LP_OBSERVER_MODES } from "./lp_observer.ts";
export type { LpObserverMode, LpObserverOptions, LpStats } from "./lp_observer.ts";
