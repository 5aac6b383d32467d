/**
 * MSE / L_p observer (the `MSEObserver` / `AvgMSEObserver` of QDrop and PTQ4SAM, spec §4.1): picks the
 * uniform quantizer range that minimises mean |x̂ − x|^p (p = 2.4 by default) with `lpRangeSearch`.
 *
 * - `"reservoir"` (default): one search at `finalize()` over a bounded reservoir sample of all batches,
 *   starting from the exact extremes.
 * - `"average"`: one search per batch (on at most `capacity / C` evenly strided values per channel), the
 *   best min and max averaged over batches (the "Avg" observers).
 *
 * The result carries the uniform parameters from the observer rule applied to the chosen range.
 *
 * @module
 */
import type { Prng } from "../../util/prng.ts";
import { check } from "../_layout.ts";
import type { UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { lpRangeSearch, type LpRangeSearchOptions } from "../search/lp_range_search.ts";
import { channelTracker, forEachChannelRun, requireData } from "./_channel_runs.ts";
import type { Observer, RangeStats } from "./observer.ts";
import { createReservoirObserver } from "./reservoir_observer.ts";

/** Reduction modes of {@link createLpObserver}. */
export const LP_OBSERVER_MODES = ["reservoir", "average"] as const;
/** One of {@link LP_OBSERVER_MODES}. */
export type LpObserverMode = typeof LP_OBSERVER_MODES[number];

/** Options of {@link createLpObserver}: the search options plus these. */
export interface LpObserverOptions extends LpRangeSearchOptions {
  /** Seeded random source (reservoir mode). */
  prng: Prng;
  /** Channel axis for per-channel parameters. @default undefined (per-tensor) */
  axis?: number;
  /** How batches are combined. @default "reservoir" */
  mode?: LpObserverMode;
  /** Floats kept (reservoir) or searched per batch (average), in total over channels. @default 262144 */
  capacity?: number;
}

/** Defaults of {@link LpObserverOptions} (search defaults live in `LP_RANGE_SEARCH_DEFAULTS`). */
export const LP_OBSERVER_DEFAULTS = Object.freeze({ mode: "reservoir" as LpObserverMode, capacity: 1 << 18 });

/** Statistics of {@link createLpObserver}. */
export interface LpStats extends RangeStats {
  /** Parameters of the chosen range (observer rule). */
  params: UniformQuantizerParams;
  /** Search error per channel (reservoir mode: on the sample; average mode: mean over batches). */
  error: Float64Array;
}

/** Creates an L_p range-search observer. */
export function createLpObserver(options: LpObserverOptions): Observer<LpStats> {
  const mode = options.mode ?? LP_OBSERVER_DEFAULTS.mode;
  const capacity = options.capacity ?? LP_OBSERVER_DEFAULTS.capacity;
  check((LP_OBSERVER_MODES as readonly string[]).includes(mode), "mode", `Unknown mode "${mode}"`);
  check(Number.isInteger(capacity) && capacity >= 1, "capacity", `Cannot keep ${capacity} samples`);
  const { axis } = options;
  const search: LpRangeSearchOptions = { bits: options.bits };
  for (const key of ["symmetric", "p", "candidates", "step", "grid"] as const) {
    if (options[key] !== undefined) Object.assign(search, { [key]: options[key] });
  }
  const finish = (
    min: Float64Array,
    max: Float64Array,
    error: Float64Array,
    batches: number,
    count: number,
  ) => {
    const params = uniformParamsFromRange(min, max, {
      bits: options.bits,
      ...(options.symmetric === undefined ? {} : { symmetric: options.symmetric }),
      ...(axis === undefined ? {} : { axis }),
    });
    const out: LpStats = { min, max, error, params, batches, count };
    if (axis !== undefined) out.axis = axis;
    return out;
  };
  if (mode === "reservoir") {
    const inner = createReservoirObserver({
      prng: options.prng,
      capacity,
      ...(axis === undefined ? {} : { axis }),
    });
    return {
      observe: (x, shape) => inner.observe(x, shape),
      bufferedValues: () => inner.bufferedValues(),
      finalize() {
        const s = inner.finalize();
        const res = s.samples.map((v, c) => lpRangeSearch(v, s.min[c]!, s.max[c]!, search));
        return finish(
          Float64Array.from(res, (r) => r.min),
          Float64Array.from(res, (r) => r.max),
          Float64Array.from(res, (r) => r.error),
          s.batches,
          s.count,
        );
      },
    };
  }
  let sumMin = new Float64Array(0);
  let sumMax = new Float64Array(0);
  let sumErr = new Float64Array(0);
  let perBatch = 1;
  let scratch: Float32Array[] = [];
  let filled = new Int32Array(0);
  let counted = 0;
  const tracker = channelTracker(axis, (c) => {
    sumMin = new Float64Array(c);
    sumMax = new Float64Array(c);
    sumErr = new Float64Array(c);
    perBatch = Math.max(1, Math.floor(capacity / Math.max(c, 1)));
    scratch = Array.from({ length: c }, () => new Float32Array(perBatch));
    filled = new Int32Array(c);
  });
  return {
    observe(x, shape) {
      const { perChannel } = tracker.begin(x.length, shape);
      if (perChannel === 0) return;
      const stride = Math.max(1, Math.ceil(perChannel / perBatch));
      const lo = new Float64Array(sumMin.length).fill(Infinity);
      const hi = new Float64Array(sumMin.length).fill(-Infinity);
      filled.fill(0);
      const pos = new Float64Array(sumMin.length);
      forEachChannelRun(x.length, shape, axis, (c, start, end) => {
        let p = pos[c]!;
        for (let i = start; i < end; i++, p++) {
          const v = x[i]!;
          if (v < lo[c]!) lo[c] = v;
          if (v > hi[c]!) hi[c] = v;
          if (p % stride === 0 && filled[c]! < perBatch) scratch[c]![filled[c]!++] = v;
        }
        pos[c] = p;
      });
      for (let c = 0; c < sumMin.length; c++) {
        const r = lpRangeSearch(scratch[c]!.subarray(0, filled[c]!), lo[c]!, hi[c]!, search);
        sumMin[c] = sumMin[c]! + r.min;
        sumMax[c] = sumMax[c]! + r.max;
        sumErr[c] = sumErr[c]! + r.error;
      }
      counted++;
    },
    bufferedValues: () => scratch.length * perBatch + 3 * sumMin.length,
    finalize() {
      requireData(tracker.count());
      const mean = (a: Float64Array) => a.map((v) => v / counted);
      return finish(mean(sumMin), mean(sumMax), mean(sumErr), tracker.batches(), tracker.count());
    },
  };
}
