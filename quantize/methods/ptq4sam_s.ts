/**
 * `ptq4sam-s`: PTQ4SAM's statistic variant (Lv et al., CVPR 2024; spec §4.1–§4.3), closed-form, no
 * reconstruction (PTQ4SAM-L's AdaRound/LSQ/QDrop stage is a separate, learned method).
 *
 * 1. BIG (spec §4.2, `steps/fold_bimodal_keys.ts`): on the first calibration image, the keys of each
 *    decoder token→image cross-attention are tested for bimodality (KDE on 128 points, peaks ≥ 0.01·Σy,
 *    distance 32, exactly 2 peaks); for a bimodal K, γ_c = sign(mean_tokens K_c) is folded into q_proj and
 *    k_proj (weights and biases). Exact, so the float outputs do not change.
 * 2. Observe every activation site on the calibration set (after BIG): PTQ4SAM's AvgMinMax (per-run
 *    min/max averaged over runs, spec §4.1) for uniform sites; for each softmax output, the AGQ search
 *    with its attention's V (`steps/agq_search.ts`).
 * 3. AGQ (spec §4.3): post-softmax quantizers are log quantizers with τ ∈ {1, 2, 4} and s from a bounded
 *    search of the output-aware error E_p(ÂV − AV) per run (p = 2.4 by default; 2 = the paper's MSE),
 *    errors summed and s averaged over runs; the τ with the least total error wins. Each run's search uses
 *    a subsample of query rows bounded by `agqBudget` multiply-adds per evaluation (always including the
 *    row with the run's largest probability), and the float V (the calibration pass runs the float
 *    graph). Decoder A and V are tapped whole (they are small); encoder A (self-attention) arrives as
 *    `agqEncoderRows` rows sampled in the graph, since SAM-B's global attention A is 12 × 4096² floats.
 * 4. Other activations: per-tensor uniform asymmetric from the averaged (or running) range (observer rule
 *    of spec §1: widened to include 0). K after BIG uses the same rule (PTQ4SAM's golden-section MSE
 *    observer for K is not reproduced).
 * 5. Weights: asymmetric, L_p search with p = 2.4 over 100 range candidates (PTQ4SAM's MSEObserver),
 *    per-tensor or per-channel as the global granularity says (spec §14.2; PTQ4SAM itself is per-channel).
 *    The default grid is the 1-D "shrink" grid; PTQ4SAM's 2-D grid (every zero-point) is option
 *    `weightSearchGrid: "zero-point"` (2^b times the work).
 *
 * @module
 */
import type { RangeStats } from "../observers/observer.ts";
import type { CalibrationSet } from "../calibrate/calibration_set.ts";
import type { ProgressFn } from "../calibrate/progress.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import { createAvgMinMaxObserver } from "../observers/avg_min_max_observer.ts";
import { createMinMaxObserver } from "../observers/min_max_observer.ts";
import type { ActivationAssignment, WeightAssignment } from "../insert/insert_quantizers.ts";
import type { ActivationSite } from "../insert/plan_quantizers.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { LP_SEARCH_GRIDS, type LpSearchGrid } from "../search/lp_range_search.ts";
import type { AgqResult } from "./steps/agq_search.ts";
import { type AgqObservers, createAgqObservers } from "./steps/agq_observers.ts";
import { BIG_MODES, type BigMode, foldBimodalKeys } from "./steps/fold_bimodal_keys.ts";
import { lpWeightParams } from "./steps/lp_weight_params.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { emitParts, snapshotParts } from "./steps/emit_parts.ts";
import { observeActivations, type ObserverSpec } from "./steps/observe_activations.ts";
import { planModel, type PlannedPart } from "./steps/plan_model.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { FoldRecord, Method, MethodRunOptions, QuantizedModel } from "./types.ts";

/** Activation range rules of {@link PTQ4SAM_S} (as `minmax`). */
export const PTQ4SAM_ACTIVATION_RULES = ["average", "running"] as const;

/** Options of the `ptq4sam-s` method. */
export interface Ptq4samSOptions {
  /** BIG: KDE detection (spec §4.2), fold every token→image attention ("always"), or none. @default "kde" */
  big: BigMode;
  /** Grid parameters τ tried by AGQ (spec §4.3). @default [1, 2, 4] */
  agqTaus: number[];
  /** Exponent p of AGQ's output error E_p(ÂV − AV): 2.4 as PTQ4SAM's code, 2 = the paper's MSE (spec §4.3). @default 2.4 */
  agqErrorExponent: number;
  /** Multiply-adds of one AGQ objective evaluation per run (rows × keys × head dim); bounds the row subsample. @default 262144 */
  agqBudget: number;
  /**
   * Rows of each encoder softmax output A taken per run, sampled in the graph (SAM-B's global attention A
   * is 12 × 4096² floats; the decoder's attentions are small and taken whole). @default 1024
   */
  agqEncoderRows: number;
  /** Activation range: "average" of per-run extremes (PTQ4SAM's AvgMinMaxObserver, spec §4.1) or "running". @default "average" */
  activationRange: typeof PTQ4SAM_ACTIVATION_RULES[number];
  /** Exponent p of the weight L_p search (PTQ4SAM's MSEObserver, spec §4.1). @default 2.4 */
  weightErrorExponent: number;
  /** Range candidates of the weight search (spec §4.1). @default 100 */
  weightSearchCandidates: number;
  /** Weight search grid: 1-D "shrink", or PTQ4SAM's 2-D "zero-point" grid (spec §4.1; 2^b times slower). @default "shrink" */
  weightSearchGrid: LpSearchGrid;
}

/** Frozen defaults of {@link Ptq4samSOptions}. */
export const PTQ4SAM_S_DEFAULTS: Readonly<Ptq4samSOptions> = Object.freeze({
  big: "kde",
  agqTaus: Object.freeze([1, 2, 4]) as unknown as number[],
  agqErrorExponent: 2.4,
  agqBudget: 1 << 18,
  agqEncoderRows: 1024,
  activationRange: "average",
  weightErrorExponent: 2.4,
  weightSearchCandidates: 100,
  weightSearchGrid: "shrink",
});

/** The `ptq4sam-s` method. */
export const PTQ4SAM_S: Method<Ptq4samSOptions> = Object.freeze<Method<Ptq4samSOptions>>({
  name: "ptq4sam-s",
  summary:
    "PTQ4SAM-S: bimodal integration (BIG) and adaptive-granularity log softmax quantizer (AGQ) (spec §4)",
  defaults: PTQ4SAM_S_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): Ptq4samSOptions {
    const m = "ptq4sam-s";
    const o = mergeOptions(m, PTQ4SAM_S_DEFAULTS, partial);
    const oneOf = (field: string, v: string, list: readonly string[]) =>
      checkOption(m, field, list.includes(v), `expected one of ${list.join(", ")}`);
    oneOf("big", o.big, BIG_MODES);
    oneOf("activationRange", o.activationRange, PTQ4SAM_ACTIVATION_RULES);
    oneOf("weightSearchGrid", o.weightSearchGrid, LP_SEARCH_GRIDS);
    checkOption(
      m,
      "agqTaus",
      o.agqTaus.length > 0 && o.agqTaus.every((t) => typeof t === "number" && t > 0),
      "each must be a number > 0",
    );
    checkOption(m, "agqErrorExponent", o.agqErrorExponent > 0, "must be > 0");
    checkOption(m, "agqBudget", Number.isInteger(o.agqBudget) && o.agqBudget >= 1, "must be an integer >= 1");
    checkOption(
      m,
      "agqEncoderRows",
      Number.isInteger(o.agqEncoderRows) && o.agqEncoderRows >= 1,
      "must be an integer >= 1",
    );
    checkOption(m, "weightErrorExponent", o.weightErrorExponent > 0, "must be > 0");
    checkOption(
      m,
      "weightSearchCandidates",
      Number.isInteger(o.weightSearchCandidates) && o.weightSearchCandidates >= 1,
      "must be an integer >= 1",
    );
    return { ...o, agqTaus: [...o.agqTaus] };
  },
  quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    return ptq4samStatic(model, calibration, options, progress);
  },
});

/**
 * What a method built on PTQ4SAM-S changes in its static stage (AHCPTQ: HLUQ and CAG quantizers on
 * chosen Linear inputs). ptq4sam-s's own observers keep running on every site.
 */
export interface Ptq4samSExtension {
  /** Extra observers of a site, under names of their own (ptq4sam-s uses "range", "agq" and "value"). */
  observers(site: ActivationSite): Record<string, ObserverSpec<unknown>>;
  /** Parameters replacing ptq4sam-s's own for a site (with its tensor rank when per-channel), or undefined. */
  activation(
    site: ActivationSite,
    stats: Readonly<Record<string, unknown>>,
  ): Omit<ActivationAssignment, "site"> | undefined;
}

/** PTQ4SAM-S's static stage (module doc, steps 1–5), optionally with an {@link Ptq4samSExtension}. */
export async function ptq4samStatic(
  model: PreparedModel,
  calibration: CalibrationSet,
  options: MethodRunOptions<Ptq4samSOptions>,
  progress: ProgressFn,
  extension?: Ptq4samSExtension,
): Promise<QuantizedModel> {
  const o = options.method;
  const timings = {};
  const notes: string[] = [];
  const folds: FoldRecord[] = [];
  const parts = planModel(model, options);
  // 1. BIG on the decoder (before calibration, so q and k are observed as folded).
  if (parts.some((p) => p.prepared.part === "decoder") && o.big !== "off") {
    await timePhase(timings, "fold", () => runBig(model, calibration, options, progress, folds, notes));
  }
  // 2. Observe: ranges everywhere, AGQ pairs (A, V) on every planned attention.
  const { agq, valueOf } = agqPairs(parts, options);
  const observed = await timePhase(
    timings,
    "calibrate",
    () =>
      observeActivations<unknown>(
        model,
        calibration,
        parts,
        (site) => {
          const obs: Record<string, ObserverSpec<unknown>> = { ...extension?.observers(site) };
          const pair = agq.get(site.id);
          // The graph reduces uniform sites to [min, max] per run; AGQ needs A and V whole.
          if (pair !== undefined) {
            obs.agq = site.part === "encoder"
              ? { observer: pair.probs, reduce: { kind: "rows", count: o.agqEncoderRows } }
              : { observer: pair.probs };
          } else {
            obs.range = {
              observer: o.activationRange === "average" ? createAvgMinMaxObserver() : createMinMaxObserver(),
              reduce: { kind: "range" },
            };
          }
          const v = valueOf.get(site.id);
          if (v !== undefined) obs.value = { observer: v.value };
          return obs;
        },
        options,
        progress,
      ),
  );
  const foldedFloat = snapshotParts(parts);
  // 3.–5. Parameters and emission.
  const quantizers = await timePhase(timings, "emit", () => {
    const activations: ActivationAssignment[] = observed.sites.map(({ site, stats }) => {
      const own = extension?.activation(site, stats);
      if (own !== undefined) return { site, ...own };
      const g = stats.agq as AgqResult | undefined;
      if (g !== undefined) {
        if (g.probsOnly) {
          notes.push(`AGQ: "${site.id}": V does not pair with A; error taken on the probabilities`);
        }
        return { site, params: { kind: "log", bits: options.bits.a, tau: g.tau, scale: g.scale } };
      }
      const r = stats.range as RangeStats;
      return { site, params: uniformParamsFromRange(r.min, r.max, { bits: options.bits.a }) };
    });
    const rule = {
      p: o.weightErrorExponent,
      candidates: o.weightSearchCandidates,
      grid: o.weightSearchGrid,
    };
    const weights: WeightAssignment[] = parts.flatMap((p) =>
      p.plan.weights.map((site) => ({
        site,
        params: lpWeightParams(site, options.bits.w, options.granularity, rule),
      }))
    );
    return emitParts(parts, activations, weights, progress);
  });
  return {
    method: "ptq4sam-s",
    quantizedParts: parts.map((p) => p.prepared.part),
    foldedFloat,
    quantizers,
    folds,
    timings,
    calibration: observed.report,
    notes,
  };
}

/** BIG (`foldBimodalKeys`) with its folds and one note per decision. */
async function runBig(
  model: PreparedModel,
  calibration: CalibrationSet,
  options: MethodRunOptions<Ptq4samSOptions>,
  progress: ProgressFn,
  folds: FoldRecord[],
  notes: string[],
): Promise<void> {
  const big = await foldBimodalKeys(model, calibration, {
    mode: options.method.big,
    ep: options.ep,
    progress,
  });
  folds.push(...big.folds);
  notes.push(...big.notes);
  for (const d of big.decisions) {
    const test = d.peaks < 0 ? "forced" : `${d.peaks} KDE peak(s)`;
    const what = d.folded ? `${d.flipped}/${d.channels} channel signs folded` : "not folded";
    notes.push(`BIG: "${d.attention}" (${d.queries} queries, ${d.keys} keys): ${test}, ${what}`);
  }
}

/** One AGQ observer pair per planned attention, keyed by its probs site id and by its V site id. */
function agqPairs(parts: readonly PlannedPart[], options: MethodRunOptions<Ptq4samSOptions>) {
  const o = options.method;
  const agq = new Map<string, AgqObservers>();
  const valueOf = new Map<string, AgqObservers>();
  for (const p of parts) {
    for (const a of p.prepared.patterns.attentions) {
      const probs = p.plan.activations.find((s) => s.tensor === a.probs);
      const value = p.plan.activations.find((s) => s.tensor === a.v);
      if (probs === undefined || value === undefined) continue;
      const pair = createAgqObservers({
        bits: options.bits.a,
        taus: o.agqTaus,
        p: o.agqErrorExponent,
        budget: o.agqBudget,
        ...(p.prepared.part === "encoder" ? { sampledRows: o.agqEncoderRows } : {}),
      });
      agq.set(probs.id, pair);
      valueOf.set(value.id, pair);
    }
  }
  return { agq, valueOf };
}
