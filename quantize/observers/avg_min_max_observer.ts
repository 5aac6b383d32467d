/**
 * Average MinMax observer (PTQ4SAM's `AvgMinMaxObserver`, spec §4.1): the min and the max of each batch
 * (one `observe` call, normally one image), averaged over batches, per tensor or per channel.
 *
 * @module
 */
import { channelTracker, forEachChannelRun, requireData } from "./_channel_runs.ts";
import type { Observer, RangeStats } from "./observer.ts";

/** Options of {@link createAvgMinMaxObserver}. */
export interface AvgMinMaxObserverOptions {
  /** Channel axis for per-channel statistics. @default undefined (per-tensor) */
  axis?: number;
}

/** Creates an average-of-batch-extremes observer. Holds 2·C floats. */
export function createAvgMinMaxObserver(options: AvgMinMaxObserverOptions = {}): Observer<RangeStats> {
  const axis = options.axis;
  let sumMin = new Float64Array(0);
  let sumMax = new Float64Array(0);
  let batchMin = new Float64Array(0);
  let batchMax = new Float64Array(0);
  let counted = 0;
  const tracker = channelTracker(axis, (c) => {
    sumMin = new Float64Array(c);
    sumMax = new Float64Array(c);
    batchMin = new Float64Array(c);
    batchMax = new Float64Array(c);
  });
  return {
    observe(x, shape) {
      const { perChannel } = tracker.begin(x.length, shape);
      if (perChannel === 0) return;
      batchMin.fill(Infinity);
      batchMax.fill(-Infinity);
      forEachChannelRun(x.length, shape, axis, (c, start, end) => {
        let lo = batchMin[c]!;
        let hi = batchMax[c]!;
        for (let i = start; i < end; i++) {
          const v = x[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        batchMin[c] = lo;
        batchMax[c] = hi;
      });
      for (let c = 0; c < sumMin.length; c++) {
        sumMin[c] = sumMin[c]! + batchMin[c]!;
        sumMax[c] = sumMax[c]! + batchMax[c]!;
      }
      counted++;
    },
    finalize() {
      requireData(tracker.count());
      const out: RangeStats = {
        min: sumMin.map((v) => v / counted),
        max: sumMax.map((v) => v / counted),
        batches: tracker.batches(),
        count: tracker.count(),
      };
      if (axis !== undefined) out.axis = axis;
      return out;
    },
    bufferedValues: () => 4 * sumMin.length,
  };
}
