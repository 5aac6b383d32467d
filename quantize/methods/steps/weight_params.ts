/**
 * Step "weight params": quantizer parameters of a weight constant, per-tensor or per-channel along the
 * weight's output-channel axis (`LinearRecord.weightAxis`), with two rules:
 *
 * - "minmax": the observer rule on the exact extremes (spec §1);
 * - "percentile-mse": RepQ-ViT's search over clipping quantiles, lowest MSE (spec §5, `percentileMseSearch`).
 *
 * The weight is read from the node at call time, so parameters follow any folding done before.
 *
 * @module
 */
import type { Constant } from "../../../onnx/ir/tensor.ts";
import type { WeightSite } from "../../insert/plan_quantizers.ts";
import { createMinMaxObserver } from "../../observers/min_max_observer.ts";
import type { BitWidth, UniformQuantizerParams } from "../../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../../quantizers/uniform_params_from_range.ts";
import { percentileMseSearch, type PercentileMseSearchOptions } from "../../search/percentile_mse_search.ts";
import type { Granularity } from "../types.ts";

/** Weight rules of {@link weightParams}. */
export type WeightRule =
  | { rule: "minmax" }
  | { rule: "percentile-mse"; search?: PercentileMseSearchOptions };

/** The weight constant a site currently reads. */
export function currentWeight(site: WeightSite): Constant {
  return site.linear.node.inputs[site.linear.weightSlot] as Constant;
}

/** Parameters for `site`'s current weight. */
export function weightParams(
  site: WeightSite,
  bits: BitWidth,
  granularity: Granularity,
  rule: WeightRule,
): UniformQuantizerParams {
  const w = currentWeight(site);
  const values = w.values() as Float32Array;
  const axis = granularity === "per-channel" ? site.linear.weightAxis : undefined;
  if (rule.rule === "percentile-mse") {
    const r = percentileMseSearch(values, w.dims, {
      kind: "uniform",
      bits,
      ...(axis === undefined ? {} : { axis }),
    }, rule.search);
    return r.params as UniformQuantizerParams;
  }
  const obs = createMinMaxObserver(axis === undefined ? {} : { axis });
  obs.observe(values, w.dims);
  const s = obs.finalize();
  return uniformParamsFromRange(s.min, s.max, { bits, ...(axis === undefined ? {} : { axis }) });
}
