/**
 * The closed-form initialisation of learned methods that start from plain range rules (LSQ+ §6, BRECQ
 * §7, QDrop §8): plan → observe → params → emit, like `minmax`, with the range rule as an option:
 *
 * | rule      | activation range                                                          |
 * |-----------|---------------------------------------------------------------------------|
 * | "minmax"  | running min/max over all runs (MinMax)                                    |
 * | "average" | per-run min/max averaged (PTQ4SAM/QDrop AvgMinMaxObserver, spec §4.1)     |
 * | "mse"     | L_p range search (`lpRangeSearch`, p = `activationExponent`) on a seeded reservoir sample (MSE observer; LSQ+'s MSE initialisation) |
 *
 * Weights: exact range ("minmax") or the L_p search (`lpWeightParams`), per tensor or per channel as the
 * global granularity says. Every quantizer is uniform asymmetric (softmax outputs too).
 *
 * @module
 */
import { createPrng } from "../../util/prng.ts";
import type { ProgressFn } from "../calibrate/progress.ts";
import type { CalibrationSet } from "../calibrate/calibration_set.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import type { ActivationAssignment, WeightAssignment } from "../insert/insert_quantizers.ts";
import { createAvgMinMaxObserver } from "../observers/avg_min_max_observer.ts";
import { createMinMaxObserver } from "../observers/min_max_observer.ts";
import type { RangeStats } from "../observers/observer.ts";
import { createReservoirObserver, type ReservoirStats } from "../observers/reservoir_observer.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { lpRangeSearch, type LpSearchGrid } from "../search/lp_range_search.ts";
import { emitParts, snapshotParts } from "../methods/steps/emit_parts.ts";
import { lpWeightParams } from "../methods/steps/lp_weight_params.ts";
import { observeActivations, type ObserverSpec } from "../methods/steps/observe_activations.ts";
import { planModel } from "../methods/steps/plan_model.ts";
import { timePhase } from "../methods/steps/time_phase.ts";
import { weightParams } from "../methods/steps/weight_params.ts";
import type { CommonQuantizeOptions, QuantizedModel } from "../methods/types.ts";

/** Activation range rules of {@link staticInit}. */
export const ACTIVATION_INIT_RULES = ["minmax", "average", "mse"] as const;
/** One of {@link ACTIVATION_INIT_RULES}. */
export type ActivationInitRule = typeof ACTIVATION_INIT_RULES[number];

/** Weight range rules of {@link staticInit}. */
export const WEIGHT_INIT_RULES = ["minmax", "mse"] as const;
/** One of {@link WEIGHT_INIT_RULES}. */
export type WeightInitRule = typeof WEIGHT_INIT_RULES[number];

/** Options of {@link staticInit}. */
export interface StaticInitOptions {
  activation: ActivationInitRule;
  /** p of the activation L_p search. */
  activationExponent: number;
  weight: WeightInitRule;
  /** p, candidates and grid of the weight L_p search. */
  weightExponent: number;
  weightCandidates: number;
  weightGrid: LpSearchGrid;
  /** Reservoir floats per activation ("mse"). */
  sampleCapacity: number;
  /** Values sampled per run and activation inside the graph ("mse"). */
  samplesPerRun: number;
}

/** Quantizes `model` in place with the static rules; `method` names the result. */
export async function staticInit(
  method: string,
  model: PreparedModel,
  calibration: CalibrationSet,
  options: CommonQuantizeOptions,
  init: StaticInitOptions,
  progress: ProgressFn,
): Promise<QuantizedModel> {
  const timings = {};
  const prng = createPrng(options.seed);
  const parts = planModel(model, options);
  const observed = await timePhase(
    timings,
    "calibrate",
    () =>
      observeActivations<RangeStats | ReservoirStats>(
        model,
        calibration,
        parts,
        (): Record<string, ObserverSpec<RangeStats | ReservoirStats>> => {
          if (init.activation === "mse") {
            return {
              sample: {
                observer: createReservoirObserver({ prng, capacity: init.sampleCapacity }),
                reduce: { kind: "sample", count: init.samplesPerRun },
              },
            };
          }
          const observer = init.activation === "average" ? createAvgMinMaxObserver() : createMinMaxObserver();
          return { range: { observer, reduce: { kind: "range" } } };
        },
        options,
        progress,
      ),
  );
  const foldedFloat = snapshotParts(parts);
  const activations: ActivationAssignment[] = observed.sites.map(({ site, stats }) => {
    if (stats.sample !== undefined) {
      const s = stats.sample as ReservoirStats;
      const r = lpRangeSearch(s.samples[0]!, s.min[0]!, s.max[0]!, {
        bits: options.bits.a,
        p: init.activationExponent,
      });
      return { site, params: uniformParamsFromRange([r.min], [r.max], { bits: options.bits.a }) };
    }
    const r = stats.range as RangeStats;
    return { site, params: uniformParamsFromRange(r.min, r.max, { bits: options.bits.a }) };
  });
  const weights: WeightAssignment[] = parts.flatMap((p) =>
    p.plan.weights.map((site) => ({
      site,
      params: init.weight === "mse"
        ? lpWeightParams(site, options.bits.w, options.granularity, {
          p: init.weightExponent,
          candidates: init.weightCandidates,
          grid: init.weightGrid,
        })
        : weightParams(site, options.bits.w, options.granularity, { rule: "minmax" }),
    }))
  );
  const quantizers = await timePhase(timings, "emit", () => emitParts(parts, activations, weights, progress));
  return {
    method,
    quantizedParts: parts.map((p) => p.prepared.part),
    foldedFloat,
    quantizers,
    folds: [],
    timings,
    calibration: observed.report,
    notes: [],
  };
}
