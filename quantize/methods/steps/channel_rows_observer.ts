/**
 * Observer for PQ-SAM's OHC statistics (spec §3.2–§3.3 C): a tensor seen as token rows × C channels
 * (C = last dim, the Linear-input layout), streamed over calibration runs with bounded memory:
 *
 * - a uniform reservoir of whole token rows (Algorithm R, one seeded draw per row past the capacity),
 *   at most `maxRows` rows and `maxValues` floats (the re-implementation keeps ≤ 65,536 rows and ≤ 2 M
 *   values per layer);
 * - the exact per-channel min and max of every run, so that a per-channel transform chosen afterwards
 *   (x̃_c = (clip(x_c) − v_c)/s_c) still gets the exact per-run extremes of x̃ for AvgMinMax/MinMax
 *   ranges. This part holds 2·C floats per run (C ≤ a few hundred, runs = images × prompts).
 *
 * Pure: no I/O; randomness from the seeded `prng` passed in.
 *
 * @module
 */
import type { Prng } from "../../../util/prng.ts";
import { check } from "../../_layout.ts";
import type { Observer } from "../../observers/observer.ts";

/** Options of {@link createChannelRowsObserver}. */
export interface ChannelRowsObserverOptions {
  prng: Prng;
  /** Most rows kept. */
  maxRows: number;
  /** Most floats kept (rows × C). */
  maxValues: number;
}

/** Statistics of {@link createChannelRowsObserver}. */
export interface ChannelRowsStats {
  channels: number;
  /** Sampled rows, row-major [rows, channels], in reservoir order. */
  values: Float32Array;
  rows: number;
  /** Rows seen over all runs. */
  rowsSeen: number;
  /** Per-run per-channel extremes, one Float32Array [C] per run. */
  runMin: Float32Array[];
  runMax: Float32Array[];
}

/** Creates the observer (the channel count is fixed by the first run). */
export function createChannelRowsObserver(options: ChannelRowsObserverOptions): Observer<ChannelRowsStats> {
  const { prng, maxRows, maxValues } = options;
  check(Number.isInteger(maxRows) && maxRows >= 1, "maxRows", `Cannot keep ${maxRows} rows`);
  let C = 0, k = 0, kept = 0, seen = 0;
  let buf = new Float32Array(0);
  const runMin: Float32Array[] = [];
  const runMax: Float32Array[] = [];
  return {
    observe(x, shape) {
      const c = shape[shape.length - 1] ?? 0;
      check(
        c > 0 && x.length % c === 0,
        "shape",
        `Cannot read rows of a tensor of shape [${shape.join(", ")}]`,
      );
      if (C === 0) {
        C = c;
        k = Math.max(1, Math.min(maxRows, Math.floor(maxValues / C)));
        buf = new Float32Array(k * C);
      }
      check(c === C, "shape", `Cannot observe ${c} channels after ${C}`);
      const lo = new Float32Array(C).fill(Infinity);
      const hi = new Float32Array(C).fill(-Infinity);
      const rows = x.length / C;
      for (let r = 0; r < rows; r++) {
        const base = r * C;
        for (let j = 0; j < C; j++) {
          const v = x[base + j]!;
          if (v < lo[j]!) lo[j] = v;
          if (v > hi[j]!) hi[j] = v;
        }
        let slot = -1;
        if (kept < k) slot = kept++;
        else {
          const i = prng.int(seen + 1);
          if (i < k) slot = i;
        }
        seen++;
        if (slot >= 0) buf.set(x.subarray(base, base + C), slot * C);
      }
      runMin.push(lo);
      runMax.push(hi);
    },
    finalize() {
      check(seen > 0, "observe", "Cannot finalize an observer that saw no data");
      return { channels: C, values: buf.slice(0, kept * C), rows: kept, rowsSeen: seen, runMin, runMax };
    },
    bufferedValues: () => buf.length + 2 * C * runMin.length,
  };
}
