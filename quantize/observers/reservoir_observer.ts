/**
 * Reservoir observer: a uniform random sample of bounded size of everything observed, per tensor or per
 * channel, plus the exact min and max. Quantiles, L_p searches and OHC statistics are computed from it
 * at `finalize()`, so memory stays bounded however many images are observed (DESIGN §2 "Calibration").
 *
 * Sampling is Li's Algorithm L (exact uniform reservoir sampling with geometric skips: O(k·log(n/k))
 * random draws instead of one per element), driven by the seeded `prng` passed in.
 *
 * Budget: `capacity` floats in total, split evenly over the channels (⌊capacity / C⌋ each, at least 1).
 *
 * @module
 */
import type { Prng } from "../../util/prng.ts";
import { check } from "../_layout.ts";
import { channelTracker, forEachChannelRun, requireData } from "./_channel_runs.ts";
import type { Observer } from "./observer.ts";

/** Options of {@link createReservoirObserver}. */
export interface ReservoirObserverOptions {
  /** Seeded random source (e.g. `createPrng(seed)`). */
  prng: Prng;
  /** Channel axis for per-channel samples. @default undefined (per-tensor) */
  axis?: number;
  /** Total number of floats kept, split evenly over channels. @default 1048576 */
  capacity?: number;
}

/** Defaults of {@link ReservoirObserverOptions}. */
export const RESERVOIR_DEFAULTS = Object.freeze({ capacity: 1 << 20 });

/** Statistics of {@link createReservoirObserver}. */
export interface ReservoirStats {
  /** Sampled values per channel (length min(count, capacity per channel)), in reservoir order. */
  samples: Float32Array[];
  /** Exact extremes per channel. */
  min: Float64Array;
  max: Float64Array;
  axis?: number;
  batches: number;
  /** Elements seen per channel. */
  count: number;
}

/** Creates a bounded-memory reservoir observer. */
export function createReservoirObserver(options: ReservoirObserverOptions): Observer<ReservoirStats> {
  const capacity = options.capacity ?? RESERVOIR_DEFAULTS.capacity;
  check(Number.isInteger(capacity) && capacity >= 1, "capacity", `Cannot keep ${capacity} samples`);
  const { prng, axis } = options;
  const uniform = () => 1 - prng.next(); // (0, 1]
  let k = 0;
  let buf: Float32Array[] = [];
  let seen = new Float64Array(0);
  let next = new Float64Array(0); // index of the next element to admit (Algorithm L)
  let w = new Float64Array(0);
  let min = new Float64Array(0);
  let max = new Float64Array(0);
  const tracker = channelTracker(axis, (c) => {
    k = Math.max(1, Math.floor(capacity / Math.max(c, 1)));
    buf = Array.from({ length: c }, () => new Float32Array(k));
    seen = new Float64Array(c);
    next = new Float64Array(c);
    w = new Float64Array(c);
    min = new Float64Array(c).fill(Infinity);
    max = new Float64Array(c).fill(-Infinity);
  });
  const skip = (c: number) => {
    next[c] = next[c]! + Math.floor(Math.log(uniform()) / Math.log(1 - w[c]!)) + 1;
  };
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
        const b = buf[c]!;
        let i = start;
        let n = seen[c]!;
        while (i < end && n < k) b[n++] = x[i++]!;
        if (n === k && w[c] === 0 && i <= end) {
          w[c] = Math.exp(Math.log(uniform()) / k);
          next[c] = k - 1;
          skip(c);
        }
        // Admit element with global index next[c] while it falls inside this run.
        while (n >= k && next[c]! < n + (end - i)) {
          const at = i + (next[c]! - n);
          b[prng.int(k)] = x[at]!;
          w[c] = w[c]! * Math.exp(Math.log(uniform()) / k);
          skip(c);
        }
        seen[c] = n + (end - i);
      });
    },
    finalize() {
      requireData(tracker.count());
      const out: ReservoirStats = {
        samples: buf.map((b, c) => b.slice(0, Math.min(seen[c]!, k))),
        min: min.slice(),
        max: max.slice(),
        batches: tracker.batches(),
        count: tracker.count(),
      };
      if (axis !== undefined) out.axis = axis;
      return out;
    },
    bufferedValues: () => buf.length * k + 5 * seen.length,
  };
}
