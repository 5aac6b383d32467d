/**
 * `minmax`: the MinMax baseline (PQ-SAM's and PTQ4SAM's tables, spec §3.1, §4.7). Every activation
 * quantizer takes the range of everything observed (running min/max over the calibration set, or the
 * per-image average of PTQ4SAM's `AvgMinMaxObserver`, spec §4.1); every weight its exact range; all
 * quantizers uniform asymmetric with the observer rule of spec §1 (range widened to include 0).
 *
 * Algorithm: plan → observe (min/max) → params → emit. No folding.
 *
 * @module
 */
import { createAvgMinMaxObserver } from "../observers/avg_min_max_observer.ts";
import { createMinMaxObserver } from "../observers/min_max_observer.ts";
import type { RangeStats } from "../observers/observer.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import type { WeightAssignment } from "../insert/insert_quantizers.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { emitParts, snapshotParts } from "./steps/emit_parts.ts";
import { observeActivations, type ObserverSpec } from "./steps/observe_activations.ts";
import { planModel } from "./steps/plan_model.ts";
import { timePhase } from "./steps/time_phase.ts";
import { weightParams } from "./steps/weight_params.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Activation range rules of {@link MINMAX}. */
export const MINMAX_ACTIVATION_RULES = ["running", "average"] as const;

/** Options of the `minmax` method. */
export interface MinmaxOptions {
  /**
   * Activation range: "running" min/max over all calibration runs (the plain MinMax baseline, spec §3.1
   * baselines), or "average" of per-run extremes (PTQ4SAM's AvgMinMaxObserver, spec §4.1).
   * @default "running"
   */
  activationRange: typeof MINMAX_ACTIVATION_RULES[number];
}

/** Frozen defaults of {@link MinmaxOptions}. */
export const MINMAX_DEFAULTS: Readonly<MinmaxOptions> = Object.freeze({ activationRange: "running" });

/** The `minmax` method. */
export const MINMAX: Method<MinmaxOptions> = Object.freeze<Method<MinmaxOptions>>({
  name: "minmax",
  summary: "MinMax ranges for weights and activations, uniform asymmetric (spec §1, §3.1 baselines)",
  defaults: MINMAX_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): MinmaxOptions {
    const o = mergeOptions("minmax", MINMAX_DEFAULTS, partial);
    checkOption(
      "minmax",
      "activationRange",
      (MINMAX_ACTIVATION_RULES as readonly string[]).includes(o.activationRange),
      `expected one of ${MINMAX_ACTIVATION_RULES.join(", ")}`,
    );
    return o;
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const timings = {};
    const parts = planModel(model, options);
    // The graph reduces each tensor to its exact [min, max] per run; the observers combine the runs.
    const make = (): Record<string, ObserverSpec<RangeStats>> => ({
      range: {
        observer: options.method.activationRange === "average"
          ? createAvgMinMaxObserver()
          : createMinMaxObserver(),
        reduce: { kind: "range" },
      },
    });
    // Observe: running (or per-run averaged) extremes of every activation site.
    const observed = await timePhase(
      timings,
      "calibrate",
      () => observeActivations(model, calibration, parts, make, options, progress),
    );
    const foldedFloat = snapshotParts(parts);
    // Params: the observer rule (widen to 0, Δ = (max − min)/(2^b − 1)); weights on their exact range.
    const activations = observed.sites.map(({ site, stats }) => ({
      site,
      params: uniformParamsFromRange(stats.range!.min, stats.range!.max, { bits: options.bits.a }),
    }));
    const weights: WeightAssignment[] = parts.flatMap((p) =>
      p.plan.weights.map((site) => ({
        site,
        params: weightParams(site, options.bits.w, options.granularity, { rule: "minmax" }),
      }))
    );
    // Emit.
    const quantizers = await timePhase(
      timings,
      "emit",
      () => emitParts(parts, activations, weights, progress),
    );
    return {
      method: "minmax",
      quantizedParts: parts.map((p) => p.prepared.part),
      foldedFloat,
      quantizers,
      folds: [],
      timings,
      calibration: observed.report,
      notes: [],
    };
  },
});
