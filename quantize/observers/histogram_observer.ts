/**
 * Histogram observer: one fixed-bin histogram per tensor or per channel whose range grows by exact
 * doubling (see `_histogram.ts`), so memory is B floats per channel however many batches arrive.
 * Quantiles come from `histogramQuantile`.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { createHistogram, type Histogram, histogramAdd } from "./_histogram.ts";
import { channelTracker, forEachChannelRun, requireData } from "./_channel_runs.ts";
import type { Observer } from "./observer.ts";

/** Options of {@link createHistogramObserver}. */
export interface HistogramObserverOptions {
  /** Channel axis for per-channel histograms. @default undefined (per-tensor) */
  axis?: number;
  /** Bins per histogram (even). @default 2048 */
  bins?: number;
}

/** Defaults of {@link HistogramObserverOptions}. */
export const HISTOGRAM_DEFAULTS = Object.freeze({ bins: 2048 });

/** Statistics of {@link createHistogramObserver}: one histogram per channel. */
export interface HistogramStats {
  histograms: Histogram[];
  axis?: number;
  batches: number;
  count: number;
}

/** Creates a streaming histogram observer. */
export function createHistogramObserver(options: HistogramObserverOptions = {}): Observer<HistogramStats> {
  const bins = options.bins ?? HISTOGRAM_DEFAULTS.bins;
  check(
    Number.isInteger(bins) && bins >= 2 && bins % 2 === 0,
    "bins",
    `Cannot use ${bins} bins: need an even number >= 2`,
  );
  const axis = options.axis;
  let hs: Histogram[] = [];
  const tracker = channelTracker(axis, (c) => {
    hs = Array.from({ length: c }, () => createHistogram(bins));
  });
  return {
    observe(x, shape) {
      tracker.begin(x.length, shape);
      forEachChannelRun(x.length, shape, axis, (c, start, end) => histogramAdd(hs[c]!, x, start, end));
    },
    finalize() {
      requireData(tracker.count());
      const out: HistogramStats = {
        histograms: hs.map((h) => ({ ...h, counts: h.counts.slice() })),
        batches: tracker.batches(),
        count: tracker.count(),
      };
      if (axis !== undefined) out.axis = axis;
      return out;
    },
    bufferedValues: () => hs.length * bins,
  };
}
