/**
 * `ahcptq`: AHCPTQ (Zhang et al., ICCV 2025; spec §10; official code Keio-CSG/AHCPTQ, a PTQ4SAM fork
 * with the evaluation bug fixed) — PTQ4SAM-L with two quantizers of its own:
 *
 * 1. Static stage (`ptq4samStatic` + `steps/ahcptq_extension.ts`): PTQ4SAM-S's BIG sign folding, AGQ log
 *    quantizers on softmax outputs and AvgMinMax activations, L_p weights; plus
 *    - **HLUQ** (hybrid log-uniform) on post-GELU/ReLU tensors (MLP lin2 inputs): a log2 part up to s_log
 *      for the dense small values and a uniform part above it for the tail, (range_rate, grid_rate) from
 *      {0.1, 0.3, 0.5} × {1/8, 1/4, 1/2} by the error of lin2's output (`quantizers/hluq.ts`);
 *    - **CAG** (channel-aware grouping) on the qkv / q_proj, k_proj, v_proj and lin1 inputs: per-channel
 *      (Δ, z) merged by progressive k-means into 32 → 16 → 8 → 4 shared groups (`cag/`), emitted as a
 *      per-channel quantizer along the channel axis whose channels share their group's (Δ, z).
 * 2. Reconstruction as PTQ4SAM-L / QDrop (`learn/reconstruct_units.ts`): AdaRound V (Adam 1e-3), LSQ Δ
 *    of every uniform activation — one Δ per group for CAG — the AGQ scale s and HLUQ's s_log and s_uni
 *    (Adam 4e-5, cosine; the official `scale_lr` for all of them), QDrop at p = 0.5, 20,000 steps per
 *    unit times `budget`; a unit keeps its initialisation when its learned error is worse.
 * 3. Drop reset to 1 on **every** quantizer (spec §4.5, the fix AHCPTQ made): the learned values are
 *    baked into the standard emission, which has no dropping.
 *
 * Deviation: the official code re-clusters the *learned* per-channel steps at 20/40/60/80 % of each
 * unit's iterations; samq runs the same 32 → 16 → 8 → 4 schedule on the initial per-channel parameters
 * and learns the 4 group steps for the whole unit (the training loop has no mid-run regrouping).
 *
 * @module
 */
import { createPrng } from "../../util/prng.ts";
import { budgetSteps } from "../learn/learn_budget.ts";
import { assertNoLearningOps } from "../learn/no_learning_ops.ts";
import { type ReconstructionStage, reconstructUnits } from "../learn/reconstruct_units.ts";
import { summarizeUnits } from "../learn/summarize_units.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import type { QuantizerTreatment } from "../learn/trainable_graph.ts";
import { PTQ4SAM_S, PTQ4SAM_S_DEFAULTS, type Ptq4samSOptions, ptq4samStatic } from "./ptq4sam_s.ts";
import { checkReconstructionOptions } from "./qdrop.ts";
import { ahcptqExtension } from "./steps/ahcptq_extension.ts";
import { GADT_TARGETS, type GadtTarget } from "./steps/gadt_targets.ts";
import { learningInput } from "./steps/learning_input.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { timePhase } from "./steps/time_phase.ts";
import { PTQ4SAM_L_DEFAULTS, type Ptq4samLOptions } from "./ptq4sam_l.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Options of the `ahcptq` method. */
export interface AhcptqOptions extends Omit<Ptq4samLOptions, "ptq4samS"> {
  /** HLUQ on post-GELU/ReLU tensors (spec §10, config `hluq: True`). @default true */
  hluq: boolean;
  /** Candidate range_rate values: s_log = range·rate (official `range_rate_space`). @default [0.1, 0.3, 0.5] */
  hluqRangeRates: number[];
  /** Candidate grid_rate values: L = 2^b·rate log levels (official `grid_rate_space`). @default [0.125, 0.25, 0.5] */
  hluqGridRates: number[];
  /** Multiply-adds of one HLUQ candidate's lin2-output error (rows × in × out); bounds the row sample. @default 268435456 */
  hluqBudget: number;
  /** Adam learning rate of s_log and s_uni, cosine to 0 (official scale_lr, spec §10). @default 0.00004 */
  hluqScaleLr: number;
  /** CAG on the target Linear inputs (spec §10, config `cag: True`). @default true */
  cag: boolean;
  /** CAG target classes (`gadt_targets.ts`): qkv / q,k,v_proj and lin1 inputs (spec §10). @default ["qkv", "lin1"] */
  cagTargets: GadtTarget[];
  /** Final CAG groups g; the k-means stages are 8g, 4g, 2g, g (config `group: 4`). @default 4 */
  cagGroups: number;
  /** Most Lloyd iterations of each k-means (scikit-learn's max_iter). @default 300 */
  cagKmeansIterations: number;
  /** Options of the PTQ4SAM-S static stage, validated by it. @default PTQ4SAM_S_DEFAULTS */
  ptq4samS: Partial<Ptq4samSOptions>;
}

/** Frozen defaults of {@link AhcptqOptions} (spec §10; reconstruction as PTQ4SAM-L, §4.4). */
export const AHCPTQ_DEFAULTS: Readonly<AhcptqOptions> = Object.freeze({
  ...PTQ4SAM_L_DEFAULTS,
  hluq: true,
  hluqRangeRates: Object.freeze([0.1, 0.3, 0.5]) as unknown as number[],
  hluqGridRates: Object.freeze([1 / 8, 1 / 4, 1 / 2]) as unknown as number[],
  hluqBudget: 1 << 28,
  hluqScaleLr: 4e-5,
  cag: true,
  cagTargets: Object.freeze(["qkv", "lin1"]) as unknown as GadtTarget[],
  cagGroups: 4,
  cagKmeansIterations: 300,
  ptq4samS: PTQ4SAM_S_DEFAULTS,
});

/** How each quantizer learns (module doc, step 2). */
function treat(r: QuantizerRecord): QuantizerTreatment {
  if (r.target === "weight") return { mode: "learn", adaround: true };
  const p = r.params;
  if (p.kind === "log") return { mode: "learn", logScale: true, drop: true };
  if (p.kind === "hluq") return { mode: "learn", hluqScales: true, drop: true };
  return p.axis === undefined
    ? { mode: "learn", step: true, drop: true }
    : { mode: "learn", step: true, groupedStep: true, drop: true };
}

/** The reconstruction pass of {@link AHCPTQ} (module doc, step 2) with `iterations` steps per unit. */
export function ahcptqStage(o: AhcptqOptions, iterations: number): ReconstructionStage {
  return {
    label: "ahcptq",
    treat,
    iterations,
    optimizers: {
      round: { lr: o.roundLr, schedule: "constant" },
      step: { lr: o.stepLr, schedule: "cosine" },
      log_scale: { lr: o.agqScaleLr, schedule: "cosine" },
      hluq_log_scale: { lr: o.hluqScaleLr, schedule: "cosine" },
      hluq_uni_scale: { lr: o.hluqScaleLr, schedule: "cosine" },
    },
    adaround: { weight: o.regWeight, warmup: o.warmup, betaStart: o.betaStart, betaEnd: o.betaEnd },
    quantProb: o.dropProb,
    loss: { exponent: 2, sumAxis1: true },
    evalSamples: o.evalSamples,
  };
}

/** The `ahcptq` method. */
export const AHCPTQ: Method<AhcptqOptions> = Object.freeze<Method<AhcptqOptions>>({
  name: "ahcptq",
  summary:
    "AHCPTQ: PTQ4SAM-S + hybrid log-uniform post-GELU quantizers (HLUQ) + channel-aware grouping (CAG), QDrop reconstruction, all quantizers active (spec §10)",
  defaults: AHCPTQ_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): AhcptqOptions {
    const m = "ahcptq";
    const o = mergeOptions(m, AHCPTQ_DEFAULTS, partial);
    checkReconstructionOptions(m, o);
    for (const f of ["agqScaleLr", "hluqScaleLr"] as const) checkOption(m, f, o[f] > 0, "must be > 0");
    const rates = (f: "hluqRangeRates" | "hluqGridRates") =>
      checkOption(
        m,
        f,
        Array.isArray(o[f]) && o[f].length > 0 && o[f].every((r) => typeof r === "number" && r > 0 && r < 1),
        "each must be a number in (0, 1)",
      );
    rates("hluqRangeRates");
    rates("hluqGridRates");
    for (const f of ["hluqBudget", "cagGroups", "cagKmeansIterations"] as const) {
      checkOption(m, f, Number.isInteger(o[f]) && o[f] >= 1, "must be an integer >= 1");
    }
    checkOption(
      m,
      "cagTargets",
      Array.isArray(o.cagTargets) &&
        o.cagTargets.every((t) => (GADT_TARGETS as readonly string[]).includes(t)),
      `each must be one of ${GADT_TARGETS.join(", ")}`,
    );
    checkOption(m, "ptq4samS", typeof o.ptq4samS === "object" && o.ptq4samS !== null, "must be an object");
    return {
      ...o,
      hluqRangeRates: [...o.hluqRangeRates],
      hluqGridRates: [...o.hluqGridRates],
      cagTargets: [...o.cagTargets],
      ptq4samS: { ...PTQ4SAM_S.resolveOptions(o.ptq4samS as Record<string, unknown>) },
    };
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const notes: string[] = [];
    const extension = ahcptqExtension(model, { ...o, bits: options.bits.a }, createPrng(options.seed), notes);
    const init = await ptq4samStatic(
      model,
      calibration,
      {
        ...options,
        method: PTQ4SAM_S.resolveOptions(o.ptq4samS as Record<string, unknown>),
      },
      progress,
      extension,
    );
    const iterations = budgetSteps(o.iterations, o.budget);
    const timings = { ...init.timings };
    const recon = await timePhase(
      timings,
      "calibrate",
      () =>
        reconstructUnits(
          learningInput(model, init, calibration, options, o.cacheBytes, progress),
          ahcptqStage(o, iterations),
        ),
    );
    for (const p of init.quantizedParts) assertNoLearningOps(model[p].model.graph, p);
    const count = (k: string) => recon.records.filter((r) => r.params.kind === k).length;
    const grouped = recon.records.filter((r) => r.params.kind === "uniform" && r.params.axis !== undefined);
    return {
      ...init,
      method: "ahcptq",
      quantizers: recon.records,
      timings,
      notes: [
        ...init.notes,
        ...notes,
        `AHCPTQ: ${
          count("hluq")
        } HLUQ quantizers, ${grouped.length} CAG quantizers (${o.cagGroups} groups), ${
          count("log")
        } AGQ quantizers`,
        summarizeUnits(`AHCPTQ (${iterations} steps = ${o.iterations} × budget ${o.budget})`, recon.units),
        "AHCPTQ: CAG's 32 → 16 → 8 → 4 k-means runs on the initial channel parameters, then the group steps are learned (the official code regroups learned steps during each unit)",
        "AHCPTQ: drop probability reset to 1 on every quantizer for evaluation (spec §4.5 bug fixed)",
      ],
    };
  },
});
