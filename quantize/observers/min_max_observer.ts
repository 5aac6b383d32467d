/**
 * MinMax observer: running min and max over all batches, per tensor or per channel. The quantizer then
 * follows the observer rule of `uniform_params_from_range.ts` (widen to 0, Δ = (max − min)/(2^b − 1)).
 *
 * @module
 */
import { channelTracker, forEachChannelRun, requireData } from "./_channel_runs.ts";
import type { Observer, RangeStats } from "./observer.ts";

/** Options of {@link createMinMaxObserver}. */
export interface MinMaxObserverOptions {
  /** Channel axis for per-channel statistics. @default undefined (per-tensor) */
  axis?: number;
}

/** Creates a running min/max observer. Holds 2·C floats. */
export function createMinMaxObserver(options: MinMaxObserverOptions = {}): Observer<RangeStats> {
  const axis = options.axis;
  let min = new Float64Array(0);
  let max = new Float64Array(0);
  const tracker = channelTracker(axis, (c) => {
    min = new Float64Array(c).fill(Infinity);
    max = new Float64Array(c).fill(-Infinity);
  });
  return {
    observe(x, shape) {
      tracker.begin(x.length, shape);
      forEachChannelRun(x.length, shape, axis, (c, start, end) => {
        let lo = min[c]!;
        let hi = max[c]!;
        for (let i = start; i < end; i++) {
          const v = x[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        min[c] = lo;
        max[c] = hi;
      });
    },
    finalize() {
      requireData(tracker.count());
      const out: RangeStats = {
        min: min.slice(),
        max: max.slice(),
        batches: tracker.batches(),
        count: tracker.count(),
      };
      if (axis !== undefined) out.axis = axis;
      return out;
    },
    bufferedValues: () => 2 * min.length,
  };
}
