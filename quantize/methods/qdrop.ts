/**
 * `qdrop`: QDrop (Wei et al., ICLR 2022; spec §8) on SAM: block reconstruction with AdaRound weights and
 * LSQ activation steps learned jointly, activation quantization randomly dropped while learning.
 *
 * 1. Initialisation (`learn/static_init.ts`): MSE observers (L_p, p = 2.4) for weights and activations,
 *    per-tensor asymmetric (the global granularity applies to weights, spec §14.2).
 * 2. Reconstruction (`learn/reconstruct_units.ts`), unit by unit in graph order (encoder blocks' attention
 *    and MLP, conv chains, decoder attentions and MLPs): per step one random calibration sample; the unit
 *    input mixes the quantized and the float model's values, x = where(U < p, x_q, x_fp), and every
 *    activation quantizer outputs where(U < p, Q(x), x), p = 0.5 (spec §8 steps 1–2); loss
 *    Σ_{dim 1}(ŷ − y)² averaged over the rest plus λ·Σ(1 − |2h(V) − 1|^β) after a 20 % warm-up, β 20 → 2;
 *    Adam on V (lr 1e-3, constant) and on Δ_A (lr 4e-5, cosine) (steps 3–4); 20,000 steps per unit,
 *    times `budget`.
 * 3. After each unit: hard rounding ⌊W/Δ⌋ + 1[V ≥ 0], and the unit is kept only if its error with every
 *    quantizer active is not above its initial error.
 * 4. **Drop reset to 1 on every quantizer** (spec §4.5, §14.1): the learned values are baked into the
 *    standard emission, which has no dropping at all; the graph is checked for any random or training op
 *    (`assertNoLearningOps`) and the audit then proves every quantizer active.
 *
 * @module
 */
import { budgetSteps, checkBudget } from "../learn/learn_budget.ts";
import { assertNoLearningOps } from "../learn/no_learning_ops.ts";
import { reconstructUnits } from "../learn/reconstruct_units.ts";
import {
  ACTIVATION_INIT_RULES,
  type ActivationInitRule,
  staticInit,
  type StaticInitOptions,
  WEIGHT_INIT_RULES,
  type WeightInitRule,
} from "../learn/static_init.ts";
import { summarizeUnits } from "../learn/summarize_units.ts";
import { LP_SEARCH_GRIDS, type LpSearchGrid } from "../search/lp_range_search.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { learningInput } from "./steps/learning_input.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Options of the `qdrop` method. */
export interface QdropOptions {
  /** Optimizer steps per unit (spec §8: 20,000). @default 20000 */
  iterations: number;
  /** Factor on `iterations` for CPU runs (1 = the paper's schedule). @default 1 */
  budget: number;
  /** Probability of quantizing an activation while learning (QDrop's drop_prob, spec §8). @default 0.5 */
  dropProb: number;
  /** Adam learning rate of the AdaRound variables (spec §8 step 4). @default 0.001 */
  roundLr: number;
  /** Adam learning rate of the activation steps, cosine to 0 (scale_lr, spec §8). @default 0.00004 */
  stepLr: number;
  /** AdaRound regulariser weight λ (spec §8). @default 0.01 */
  regWeight: number;
  /** Fraction of steps without the regulariser (spec §8). @default 0.2 */
  warmup: number;
  /** β of the regulariser at the end of the warm-up and at the end (b_range, spec §8). @default 20 */
  betaStart: number;
  /** @default 2 */
  betaEnd: number;
  /** Activation initialisation (MSE observer, spec §8). @default "mse" */
  activationInit: ActivationInitRule;
  /** p of the activation L_p search (QDrop's lp_loss). @default 2.4 */
  activationInitExponent: number;
  /** Weight initialisation (MSE observer, spec §8). @default "mse" */
  weightInit: WeightInitRule;
  /** p of the weight L_p search (spec §4.1). @default 2.4 */
  weightInitExponent: number;
  /** Range candidates of the weight search (spec §4.1). @default 100 */
  weightSearchCandidates: number;
  /** Weight search grid: 1-D "shrink" or the 2-D "zero-point" grid of the MSE observer (2^b times slower). @default "shrink" */
  weightSearchGrid: LpSearchGrid;
  /** Calibration samples on which each unit's learned and initial parameters are compared. @default 16 */
  evalSamples: number;
  /** Bytes of unit inputs and targets kept in memory before spilling to a temporary folder. @default 1073741824 */
  cacheBytes: number;
}

/** Frozen defaults of {@link QdropOptions}. */
export const QDROP_DEFAULTS: Readonly<QdropOptions> = Object.freeze({
  iterations: 20000,
  budget: 1,
  dropProb: 0.5,
  roundLr: 1e-3,
  stepLr: 4e-5,
  regWeight: 0.01,
  warmup: 0.2,
  betaStart: 20,
  betaEnd: 2,
  activationInit: "mse",
  activationInitExponent: 2.4,
  weightInit: "mse",
  weightInitExponent: 2.4,
  weightSearchCandidates: 100,
  weightSearchGrid: "shrink",
  evalSamples: 16,
  cacheBytes: 2 ** 30,
});

/** Validates the options QDrop, BRECQ and PTQ4SAM-L share. */
export function checkReconstructionOptions(m: string, o: Partial<QdropOptions>): void {
  const pos = (f: keyof QdropOptions) =>
    checkOption(m, f, typeof o[f] === "number" && (o[f] as number) > 0, "must be > 0");
  if (o.iterations !== undefined) {
    checkOption(
      m,
      "iterations",
      Number.isInteger(o.iterations) && o.iterations >= 1,
      "must be an integer >= 1",
    );
  }
  if (o.budget !== undefined) checkBudget(m, o.budget);
  if (o.dropProb !== undefined) {
    checkOption(m, "dropProb", o.dropProb > 0 && o.dropProb <= 1, "must lie in (0, 1]");
  }
  for (
    const f of [
      "roundLr",
      "stepLr",
      "regWeight",
      "betaStart",
      "betaEnd",
      "activationInitExponent",
      "weightInitExponent",
    ] as const
  ) {
    if (o[f] !== undefined) pos(f);
  }
  if (o.warmup !== undefined) checkOption(m, "warmup", o.warmup >= 0 && o.warmup < 1, "must lie in [0, 1)");
  const oneOf = (f: keyof QdropOptions, list: readonly string[]) =>
    o[f] !== undefined &&
    checkOption(m, f, list.includes(o[f] as string), `expected one of ${list.join(", ")}`);
  oneOf("activationInit", ACTIVATION_INIT_RULES);
  oneOf("weightInit", WEIGHT_INIT_RULES);
  oneOf("weightSearchGrid", LP_SEARCH_GRIDS);
  for (const f of ["weightSearchCandidates", "evalSamples", "cacheBytes"] as const) {
    if (o[f] !== undefined) {
      checkOption(m, f, Number.isInteger(o[f]) && (o[f] as number) >= 1, "must be an integer >= 1");
    }
  }
}

/** The static initialisation of the reconstruction methods (QDrop's MSE observers, spec §8). */
export function reconstructionInitRules(
  o: Pick<
    QdropOptions,
    | "activationInit"
    | "activationInitExponent"
    | "weightInit"
    | "weightInitExponent"
    | "weightSearchCandidates"
    | "weightSearchGrid"
  >,
): StaticInitOptions {
  return {
    activation: o.activationInit,
    activationExponent: o.activationInitExponent,
    weight: o.weightInit,
    weightExponent: o.weightInitExponent,
    weightCandidates: o.weightSearchCandidates,
    weightGrid: o.weightSearchGrid,
    sampleCapacity: 1 << 16,
    samplesPerRun: 1 << 14,
  };
}

/** The `qdrop` method. */
export const QDROP: Method<QdropOptions> = Object.freeze<Method<QdropOptions>>({
  name: "qdrop",
  summary:
    "QDrop: block reconstruction, AdaRound + LSQ activations with random quantization dropping (spec §8)",
  defaults: QDROP_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): QdropOptions {
    const o = mergeOptions("qdrop", QDROP_DEFAULTS, partial);
    checkReconstructionOptions("qdrop", o);
    return o;
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const init = await staticInit("qdrop", model, calibration, options, reconstructionInitRules(o), progress);
    const iterations = budgetSteps(o.iterations, o.budget);
    const timings = { ...init.timings };
    const recon = await timePhase(
      timings,
      "calibrate",
      () =>
        reconstructUnits(learningInput(model, init, calibration, options, o.cacheBytes, progress), {
          label: "qdrop",
          treat: (r) =>
            r.target === "weight"
              ? { mode: "learn", adaround: true }
              : { mode: "learn", step: true, drop: true },
          iterations,
          optimizers: {
            round: { lr: o.roundLr, schedule: "constant" },
            step: { lr: o.stepLr, schedule: "cosine" },
          },
          adaround: { weight: o.regWeight, warmup: o.warmup, betaStart: o.betaStart, betaEnd: o.betaEnd },
          quantProb: o.dropProb,
          loss: { exponent: 2, sumAxis1: true },
          evalSamples: o.evalSamples,
        }),
    );
    for (const p of init.quantizedParts) assertNoLearningOps(model[p].model.graph, p);
    return {
      ...init,
      method: "qdrop",
      quantizers: recon.records,
      timings,
      notes: [
        ...init.notes,
        summarizeUnits(`QDrop (${iterations} steps = ${o.iterations} × budget ${o.budget})`, recon.units),
        "QDrop: drop probability reset to 1 on every quantizer for evaluation (standard emission, no random ops)",
      ],
    };
  },
});
