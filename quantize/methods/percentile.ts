/**
 * `percentile`: the Percentile baseline of PQ-SAM's tables (spec §3.1 baselines [SEC]): every activation
 * quantizer takes the two-sided quantile range [Q_lower, Q_upper] of everything observed (bounded-memory
 * estimate from a seeded reservoir sample or a doubling histogram, `createPercentileObserver`), then the
 * observer rule of spec §1. Weights take their exact range by default (option `weightRange`).
 *
 * Algorithm: plan → observe (percentile) → params → emit. No folding.
 *
 * @module
 */
import { createPrng } from "../../util/prng.ts";
import { createPercentileObserver, PERCENTILE_ESTIMATORS } from "../observers/percentile_observer.ts";
import type { RangeStats } from "../observers/observer.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import type { WeightAssignment } from "../insert/insert_quantizers.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { emitParts, snapshotParts } from "./steps/emit_parts.ts";
import { observeActivations } from "./steps/observe_activations.ts";
import { planModel } from "./steps/plan_model.ts";
import { timePhase } from "./steps/time_phase.ts";
import { currentWeight, weightParams } from "./steps/weight_params.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Options of the `percentile` method. */
export interface PercentileOptions {
  /**
   * Upper quantile level of activation ranges (99.99 %; the paper's value is not known, spec §3.1 [INF]).
   * @default 0.9999
   */
  percentile: number;
  /** Lower quantile level (two-sided: 0.01 %). @default 0.0001 */
  lower: number;
  /** Quantile estimator: seeded reservoir sample or doubling histogram (`percentile_observer.ts`). @default "reservoir" */
  estimator: "reservoir" | "histogram";
  /** Reservoir floats per activation (bounded memory). @default 1048576 */
  capacity: number;
  /** Values sampled per run and activation inside the graph (`tap_reduction.ts`). @default 65536 */
  samplesPerRun: number;
  /** Weight range: "minmax" (exact extremes) or "percentile" (the same quantiles on the weight). @default "minmax" */
  weightRange: "minmax" | "percentile";
}

/** Frozen defaults of {@link PercentileOptions}. */
export const PERCENTILE_METHOD_DEFAULTS: Readonly<PercentileOptions> = Object.freeze({
  percentile: 0.9999,
  lower: 0.0001,
  estimator: "reservoir",
  capacity: 1 << 20,
  samplesPerRun: 1 << 16,
  weightRange: "minmax",
});

/** The `percentile` method. */
export const PERCENTILE: Method<PercentileOptions> = Object.freeze<Method<PercentileOptions>>({
  name: "percentile",
  summary: "two-sided percentile ranges for activations (99.99/0.01 by default), MinMax weights (spec §3.1)",
  defaults: PERCENTILE_METHOD_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): PercentileOptions {
    const m = "percentile";
    const o = mergeOptions(m, PERCENTILE_METHOD_DEFAULTS, partial);
    checkOption(m, "percentile", o.percentile > 0.5 && o.percentile <= 1, "must lie in (0.5, 1]");
    checkOption(m, "lower", o.lower >= 0 && o.lower < 0.5, "must lie in [0, 0.5)");
    checkOption(
      m,
      "estimator",
      (PERCENTILE_ESTIMATORS as readonly string[]).includes(o.estimator),
      "unknown",
    );
    checkOption(
      m,
      "capacity",
      Number.isInteger(o.capacity) && o.capacity >= 1024,
      "must be an integer >= 1024",
    );
    checkOption(
      m,
      "samplesPerRun",
      Number.isInteger(o.samplesPerRun) && o.samplesPerRun >= 1,
      "must be an integer >= 1",
    );
    checkOption(m, "weightRange", o.weightRange === "minmax" || o.weightRange === "percentile", "unknown");
    return o;
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const timings = {};
    const prng = createPrng(options.seed);
    const parts = planModel(model, options);
    const observe = {
      percentile: o.percentile,
      lower: o.lower,
      estimator: o.estimator,
      capacity: o.capacity,
    };
    // Observe: bounded-memory quantile estimates of every activation site.
    const observed = await timePhase(timings, "calibrate", () =>
      observeActivations<RangeStats>(
        model,
        calibration,
        parts,
        () => ({
          range: {
            observer: createPercentileObserver({ prng, ...observe }),
            reduce: { kind: "sample", count: o.samplesPerRun },
          },
        }),
        options,
        progress,
      ));
    const foldedFloat = snapshotParts(parts);
    // Params: the observer rule on [Q_lower, Q_upper]; weights on their exact (or quantile) range.
    const activations = observed.sites.map(({ site, stats }) => ({
      site,
      params: uniformParamsFromRange(stats.range!.min, stats.range!.max, { bits: options.bits.a }),
    }));
    const weights: WeightAssignment[] = parts.flatMap((p) =>
      p.plan.weights.map((site) => {
        if (o.weightRange === "minmax") {
          return {
            site,
            params: weightParams(site, options.bits.w, options.granularity, { rule: "minmax" }),
          };
        }
        const w = currentWeight(site);
        const axis = options.granularity === "per-channel" ? site.linear.weightAxis : undefined;
        const obs = createPercentileObserver({ prng, ...observe, ...(axis === undefined ? {} : { axis }) });
        obs.observe(w.values() as Float32Array, w.dims);
        const r = obs.finalize();
        return {
          site,
          params: uniformParamsFromRange(r.min, r.max, {
            bits: options.bits.w,
            ...(axis === undefined ? {} : { axis }),
          }),
        };
      })
    );
    const quantizers = await timePhase(
      timings,
      "emit",
      () => emitParts(parts, activations, weights, progress),
    );
    return {
      method: "percentile",
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
