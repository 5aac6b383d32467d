/**
 * Closed-form initialisation of PQ-SAM's grouped shift v_n and scale s_n (spec §3.3 C), from the
 * truncated values of each group's channels (all rows). The transform is x̃ = (x − v_n)/s_n.
 *
 * | init        | v_n                         | s_n                                   |
 * |-------------|-----------------------------|---------------------------------------|
 * | "os+"       | (max_n + min_n)/2           | max(1, range_n / range_bulk)          |
 * | "meanstd"   | mean_n                      | std_n / std_bulk (population std)     |
 *
 * The bulk is group 0 (the first of the hierarchy), so its scale is exactly 1 under both rules ("os+" is
 * the recommended default: the bulk scale starts at the identity; its shift centres its range).
 * Denominators are bounded below by 1e-8.
 *
 * @module
 */
import { check } from "../_layout.ts";

/** Initialisation rules of {@link ohcInit}. */
export const OHC_INITS = ["os+", "meanstd"] as const;
/** One of {@link OHC_INITS}. */
export type OhcInitRule = typeof OHC_INITS[number];

/** Per-group shift and scale. */
export interface GroupShiftScale {
  /** v_n, one per group. */
  shift: Float64Array;
  /** s_n > 0, one per group. */
  scale: Float64Array;
}

/** Computes v_n, s_n for `groups` (channel lists, bulk first) over `values` ([rows, channels], truncated). */
export function ohcInit(
  values: Float32Array,
  dims: { rows: number; channels: number },
  groups: readonly (readonly number[])[],
  rule: OhcInitRule,
): GroupShiftScale {
  const { rows, channels } = dims;
  check(
    values.length === rows * channels,
    "dims",
    `Cannot use dims ${rows}×${channels} for ${values.length} values`,
  );
  check((OHC_INITS as readonly string[]).includes(rule), "init", `Unknown OHC initialisation "${rule}"`);
  check(groups.length > 0 && groups.every((g) => g.length > 0), "groups", "Groups must be non-empty");
  const n = groups.length;
  const shift = new Float64Array(n);
  const spread = new Float64Array(n);
  groups.forEach((g, t) => {
    let mn = Infinity, mx = -Infinity, sum = 0, sq = 0;
    for (let r = 0; r < rows; r++) {
      for (const c of g) {
        const v = values[r * channels + c]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        sum += v;
        sq += v * v;
      }
    }
    const count = rows * g.length;
    if (rule === "os+") {
      shift[t] = (mx + mn) / 2;
      spread[t] = mx - mn;
    } else {
      const mean = sum / count;
      shift[t] = mean;
      spread[t] = Math.sqrt(Math.max(sq / count - mean * mean, 0));
    }
  });
  const bulk = Math.max(spread[0]!, 1e-8);
  const scale = spread.map((s) => (rule === "os+" ? Math.max(1, s / bulk) : Math.max(s, 1e-8) / bulk));
  return { shift, scale };
}
