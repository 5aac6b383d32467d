/**
 * Step "weight params" with an L_p range search: the MSE observers of PTQ4SAM/QDrop (spec §4.1: L_p with
 * p = 2.4 over 100 range candidates) and PQ-SAM's MSE initialisation of Δ_W (spec §3.3 D, p = 2), per
 * tensor or per output channel (`LinearRecord.weightAxis`) as the global granularity says (spec §14.2).
 * Each tensor or channel is searched by `lpRangeSearch` on its exact extremes.
 *
 * The weight is read from the node at call time, so parameters follow any folding done before
 * (GADT scales, BIG signs).
 *
 * @module
 */
import { channelLayout } from "../../_layout.ts";
import type { WeightSite } from "../../insert/plan_quantizers.ts";
import type { BitWidth, UniformQuantizerParams } from "../../quantizers/quantizer_params.ts";
import { lpRangeSearch, type LpSearchGrid } from "../../search/lp_range_search.ts";
import type { Granularity } from "../types.ts";
import { currentWeight } from "./weight_params.ts";

/** The search of {@link lpWeightParams}. */
export interface LpWeightRule {
  /** Exponent p of the mean L_p error (2.4: PTQ4SAM's `lp_loss`; 2: MSE). */
  p: number;
  /** Range candidates (`lpRangeSearch` `candidates`). */
  candidates: number;
  /** Candidate grid: 1-D "shrink" or PTQ4SAM's 2-D "zero-point" grid. */
  grid: LpSearchGrid;
}

/** Uniform asymmetric parameters for `site`'s current weight, chosen by the L_p search. */
export function lpWeightParams(
  site: WeightSite,
  bits: BitWidth,
  granularity: Granularity,
  rule: LpWeightRule,
): UniformQuantizerParams {
  const w = currentWeight(site);
  const values = w.values() as Float32Array;
  const search = { bits, p: rule.p, candidates: rule.candidates, grid: rule.grid };
  if (granularity === "per-tensor") {
    const { min, max } = extremes(values);
    const r = lpRangeSearch(values, min, max, search);
    return {
      kind: "uniform",
      bits,
      symmetric: false,
      scale: Float32Array.of(r.scale),
      zeroPoint: Float32Array.of(r.zeroPoint),
    };
  }
  const axis = site.linear.weightAxis;
  const { channels, inner } = channelLayout(values.length, w.dims, axis);
  const outer = values.length / (channels * inner);
  const scale = new Float32Array(channels);
  const zeroPoint = new Float32Array(channels);
  const column = new Float32Array(outer * inner);
  for (let c = 0; c < channels; c++) {
    let k = 0;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) column[k++] = values[base + i]!;
    }
    const { min, max } = extremes(column);
    const r = lpRangeSearch(column, min, max, search);
    scale[c] = r.scale;
    zeroPoint[c] = r.zeroPoint;
  }
  return { kind: "uniform", bits, symmetric: false, scale, zeroPoint, axis };
}

function extremes(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
