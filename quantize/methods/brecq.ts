/**
 * `brecq`: BRECQ (Li et al., ICLR 2021; spec §7) on SAM: block reconstruction in two passes over the
 * units (`learn/reconstruct_units.ts`, the same units as QDrop and PTQ4SAM-L).
 *
 * 1. Initialisation (`learn/static_init.ts`): L_p (p = 2.4) range search over 80 shrinking ranges for
 *    weights, MSE observer (p = 2.4) for activations; per-tensor asymmetric (weights per the global
 *    granularity, spec §14.2).
 * 2. Stage 1, weights: AdaRound V per weight, activations **not quantized** (their quantizers bypassed in
 *    the training graphs and in the quantized stream); loss Σ_{dim 1}(ŷ − y)² averaged over the rest plus
 *    λ·Σ(1 − |2h(V) − 1|^β), λ = 0.01 after a 20 % warm-up, β 20 → 2; Adam lr 1e-3; 20,000 steps per unit.
 *    Then hard rounding ⌊W/Δ⌋ + 1[V ≥ 0].
 * 3. Stage 2, activations: LSQ steps Δ_A with the hard-rounded weights fixed and every quantizer active;
 *    L_p loss with p = 2.4; Adam lr 4e-4, cosine; 5,000 steps per unit.
 *
 * Both step counts are scaled by `budget`. Each unit keeps its learned parameters only if its error
 * with every quantizer of the stage active is not above its initial error. BRECQ's 8-bit first and last
 * layers (a CNN convention) are not applied: SAM's patch embedding and heads stay float (spec §3.3 A).
 *
 * @module
 */
import { budgetSteps } from "../learn/learn_budget.ts";
import { assertNoLearningOps } from "../learn/no_learning_ops.ts";
import { reconstructUnits } from "../learn/reconstruct_units.ts";
import { staticInit } from "../learn/static_init.ts";
import { summarizeUnits } from "../learn/summarize_units.ts";
import {
  checkReconstructionOptions,
  QDROP_DEFAULTS,
  type QdropOptions,
  reconstructionInitRules,
} from "./qdrop.ts";
import { learningInput } from "./steps/learning_input.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Options of the `brecq` method. */
export interface BrecqOptions extends Omit<QdropOptions, "dropProb" | "iterations" | "stepLr"> {
  /** Stage-1 (weights) steps per unit (spec §7: 20,000). @default 20000 */
  weightIterations: number;
  /** Stage-2 (activations) steps per unit (spec §7: 5,000). @default 5000 */
  activationIterations: number;
  /** Stage-2 Adam learning rate of Δ_A, cosine to 0 (spec §7). @default 0.0004 */
  stepLr: number;
  /** Exponent p of the stage-2 reconstruction loss (spec §7). @default 2.4 */
  activationLossExponent: number;
}

/** Frozen defaults of {@link BrecqOptions} (shared fields as QDrop's, spec §7 where BRECQ differs). */
export const BRECQ_DEFAULTS: Readonly<BrecqOptions> = Object.freeze({
  weightIterations: 20000,
  activationIterations: 5000,
  budget: QDROP_DEFAULTS.budget,
  roundLr: QDROP_DEFAULTS.roundLr,
  stepLr: 4e-4,
  activationLossExponent: 2.4,
  regWeight: QDROP_DEFAULTS.regWeight,
  warmup: QDROP_DEFAULTS.warmup,
  betaStart: QDROP_DEFAULTS.betaStart,
  betaEnd: QDROP_DEFAULTS.betaEnd,
  activationInit: QDROP_DEFAULTS.activationInit,
  activationInitExponent: QDROP_DEFAULTS.activationInitExponent,
  weightInit: QDROP_DEFAULTS.weightInit,
  weightInitExponent: QDROP_DEFAULTS.weightInitExponent,
  weightSearchCandidates: 80,
  weightSearchGrid: QDROP_DEFAULTS.weightSearchGrid,
  evalSamples: QDROP_DEFAULTS.evalSamples,
  cacheBytes: QDROP_DEFAULTS.cacheBytes,
});

/** The `brecq` method. */
export const BRECQ: Method<BrecqOptions> = Object.freeze<Method<BrecqOptions>>({
  name: "brecq",
  summary:
    "BRECQ: block reconstruction, AdaRound weights (activations off), then LSQ activation steps (spec §7)",
  defaults: BRECQ_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): BrecqOptions {
    const m = "brecq";
    const o = mergeOptions(m, BRECQ_DEFAULTS, partial);
    checkReconstructionOptions(m, o);
    for (const f of ["weightIterations", "activationIterations"] as const) {
      checkOption(m, f, Number.isInteger(o[f]) && o[f] >= 1, "must be an integer >= 1");
    }
    checkOption(m, "activationLossExponent", o.activationLossExponent > 0, "must be > 0");
    return o;
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const init = await staticInit("brecq", model, calibration, options, reconstructionInitRules(o), progress);
    const timings = { ...init.timings };
    const base = learningInput(model, init, calibration, options, o.cacheBytes, progress);
    const weightSteps = budgetSteps(o.weightIterations, o.budget);
    const actSteps = budgetSteps(o.activationIterations, o.budget);
    const stage1 = await timePhase(
      timings,
      "calibrate",
      () =>
        reconstructUnits(base, {
          label: "brecq weights",
          treat: (r) => r.target === "weight" ? { mode: "learn", adaround: true } : { mode: "off" },
          iterations: weightSteps,
          optimizers: { round: { lr: o.roundLr, schedule: "constant" } },
          adaround: { weight: o.regWeight, warmup: o.warmup, betaStart: o.betaStart, betaEnd: o.betaEnd },
          loss: { exponent: 2, sumAxis1: true },
          evalSamples: o.evalSamples,
        }),
    );
    const stage2 = await timePhase(
      timings,
      "calibrate",
      () =>
        reconstructUnits({ ...base, records: stage1.records }, {
          label: "brecq activations",
          treat: (r) => r.target === "weight" ? { mode: "fixed" } : { mode: "learn", step: true },
          iterations: actSteps,
          optimizers: { step: { lr: o.stepLr, schedule: "cosine" } },
          loss: { exponent: o.activationLossExponent, sumAxis1: true },
          evalSamples: o.evalSamples,
        }),
    );
    for (const p of init.quantizedParts) assertNoLearningOps(model[p].model.graph, p);
    return {
      ...init,
      method: "brecq",
      quantizers: stage2.records,
      timings,
      notes: [
        ...init.notes,
        summarizeUnits(
          `BRECQ stage 1, weights (${weightSteps} steps = ${o.weightIterations} × budget ${o.budget})`,
          stage1.units,
        ),
        summarizeUnits(
          `BRECQ stage 2, activations (${actSteps} steps = ${o.activationIterations} × budget ${o.budget})`,
          stage2.units,
        ),
      ],
    };
  },
});
