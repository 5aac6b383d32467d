/**
 * `lsq+`: LSQ+ (Bhalgat et al. 2020; spec §6) as a post-training baseline for SAM, "PQ-SAM without GADT":
 * learned activation step s and offset β (zero-point form: z learned, STE-rounded, clamped), learned
 * weight step, with the same end-to-end objective and schedule as PQ-SAM (`learn/end_to_end.ts`).
 *
 * 1. Initialisation (`learn/static_init.ts`): LSQ+'s MSE initialisation, (s, β) = argmin ‖x̂ − x‖² — an L_2
 *    range search on a seeded sample of each activation (or MinMax, option `activationInit`); weights by
 *    the same L_2 search (asymmetric, per-tensor unless the global granularity says per-channel: PQ-SAM's
 *    comparison is per-tensor, spec §3.3 A, §14.2).
 * 2. Learning: MSE between quantized and float low-resolution mask logits of every calibration prompt
 *    (image embedding for encoder-only, non-official models), batch 1 image, 100 epochs over the
 *    calibration images, Adam lr 1e-5 with a cosine schedule (the only runnable reference, spec §3.2);
 *    LSQ's gradient scale 1/√(N·Q_P) on s, β and the weight steps; Δ ← max(|Δ|, 1e-8); z clamped to the
 *    code range. Steps = epochs × images × `budget`.
 * 3. The learned values are kept only if the objective on the evaluation images is not worse than at the
 *    initialisation, then baked into the standard emission.
 *
 * Use `--n 100` for PQ-SAM's 100 calibration images (spec §3.1).
 *
 * @module
 */
import { budgetSteps } from "../learn/learn_budget.ts";
import { bakeLearned } from "../learn/bake_learned.ts";
import {
  END_TO_END_OBJECTIVES,
  type EndToEndObjective,
  type EndToEndResult,
  trainEndToEnd,
} from "../learn/end_to_end.ts";
import { floatWeightsOf } from "../learn/float_weights.ts";
import { assertNoLearningOps } from "../learn/no_learning_ops.ts";
import { ACTIVATION_INIT_RULES, type ActivationInitRule, staticInit } from "../learn/static_init.ts";
import { checkReconstructionOptions } from "./qdrop.ts";
import { floatGraphsOf, learningInput } from "./steps/learning_input.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Options shared by the end-to-end methods (`lsq+`, `pq-sam`). */
export interface EndToEndOptions {
  /** Passes over the calibration images (spec §3.1 [SEC]: 100 epochs, batch 1). @default 100 */
  epochs: number;
  /** Factor on the number of steps for CPU runs (1 = the paper's schedule). @default 1 */
  budget: number;
  /** Adam learning rate of the step sizes (and LSQ+ offsets), cosine to 0 (spec §3.2: 1e-5). @default 0.00001 */
  lr: number;
  /** Objective: low-res mask logits ("masks", spec §3.2/§13 item 5) or the image embedding. @default "masks" */
  objective: EndToEndObjective;
  /** Prompts per step (the re-implementation's max_calib_prompts, spec §3.2). @default 16 */
  promptsPerStep: number;
  /** Calibration images on which the learned and the initial parameters are compared. @default 16 */
  evalImages: number;
  /** Bytes of images and targets kept in memory before spilling to a temporary folder. @default 1073741824 */
  cacheBytes: number;
}

/** Frozen defaults of {@link EndToEndOptions}. */
export const END_TO_END_DEFAULTS: Readonly<EndToEndOptions> = Object.freeze({
  epochs: 100,
  budget: 1,
  lr: 1e-5,
  objective: "masks",
  promptsPerStep: 16,
  evalImages: 16,
  cacheBytes: 2 ** 30,
});

/** Validates {@link EndToEndOptions} fields of method `m`. */
export function checkEndToEndOptions(m: string, o: EndToEndOptions): void {
  checkReconstructionOptions(m, { budget: o.budget, cacheBytes: o.cacheBytes });
  for (const f of ["epochs", "promptsPerStep", "evalImages"] as const) {
    checkOption(m, f, Number.isInteger(o[f]) && o[f] >= 1, "must be an integer >= 1");
  }
  checkOption(m, "lr", o.lr > 0, "must be > 0");
  checkOption(
    m,
    "objective",
    (END_TO_END_OBJECTIVES as readonly string[]).includes(o.objective),
    `expected one of ${END_TO_END_OBJECTIVES.join(", ")}`,
  );
}

/** "N steps (E epochs × I images × budget B), objective …, losses …, kept …, T s (t s per step)". */
export function endToEndSummary(
  r: EndToEndResult,
  o: EndToEndOptions,
  images: number,
  objective: string,
): string {
  return `${r.steps} steps (${o.epochs} epochs × ${images} images × budget ${o.budget}), objective "${objective}", ` +
    `training loss (first → last 10 % of steps) ${r.trainLoss.first.toExponential(3)} → ${
      r.trainLoss.last.toExponential(3)
    }, evaluation loss ${r.initialLoss.toExponential(3)} → ${
      r.learnedLoss.toExponential(3)
    }, kept ${r.kept}, ` +
    `${r.seconds.toFixed(1)} s (${
      r.secondsPerStep.toFixed(2)
    } s per step), ${r.promptBatch} prompt(s) per decoder run`;
}

/** Options of the `lsq+` method. */
export interface LsqPlusOptions extends EndToEndOptions {
  /** Learn the activation offset β (LSQ+; false = LSQ). @default true */
  learnOffset: boolean;
  /** Initialisation of the activation ranges: MSE (LSQ+'s recommendation, spec §6) or MinMax. @default "mse" */
  activationInit: ActivationInitRule;
}

/** Frozen defaults of {@link LsqPlusOptions}. */
export const LSQ_PLUS_DEFAULTS: Readonly<LsqPlusOptions> = Object.freeze({
  ...END_TO_END_DEFAULTS,
  learnOffset: true,
  activationInit: "mse",
});

/** The `lsq+` method. */
export const LSQ_PLUS: Method<LsqPlusOptions> = Object.freeze<Method<LsqPlusOptions>>({
  name: "lsq+",
  summary:
    "LSQ+: learned activation step and offset, learned weight step, end-to-end MSE on mask logits (spec §6)",
  defaults: LSQ_PLUS_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): LsqPlusOptions {
    const m = "lsq+";
    const o = mergeOptions(m, LSQ_PLUS_DEFAULTS, partial);
    checkEndToEndOptions(m, o);
    checkOption(
      m,
      "activationInit",
      (ACTIVATION_INIT_RULES as readonly string[]).includes(o.activationInit),
      `expected one of ${ACTIVATION_INIT_RULES.join(", ")}`,
    );
    return o;
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const init = await staticInit("lsq+", model, calibration, options, {
      activation: o.activationInit,
      activationExponent: 2,
      weight: "mse",
      weightExponent: 2,
      weightCandidates: 100,
      weightGrid: "shrink",
      sampleCapacity: 1 << 16,
      samplesPerRun: 1 << 14,
    }, progress);
    const timings = { ...init.timings };
    const floatGraphs = floatGraphsOf(init);
    const notes = [...init.notes];
    const objective = model.source.config.format === "official" ? o.objective : "embedding";
    if (objective !== o.objective) {
      notes.push(
        `LSQ+: objective "embedding" (a "${model.source.config.format}" model has no official decoder)`,
      );
    }
    const steps = budgetSteps(o.epochs * calibration.images.length, o.budget);
    const r = await timePhase(
      timings,
      "calibrate",
      () =>
        trainEndToEnd(learningInput(model, init, calibration, options, o.cacheBytes, progress, floatGraphs), {
          label: "lsq+",
          treat: (rec) =>
            rec.target === "weight"
              ? { mode: "learn", step: true }
              : { mode: "learn", step: true, zero: o.learnOffset },
          steps,
          optimizers: { step: { lr: o.lr, schedule: "cosine" }, zero: { lr: o.lr, schedule: "cosine" } },
          objective,
          promptsPerStep: o.promptsPerStep,
          evalImages: o.evalImages,
        }),
    );
    let records = init.quantizers;
    for (const part of init.quantizedParts) {
      const mine = records.filter((q) => q.part === part);
      const baked = bakeLearned(model[part].model, mine, r.values, {
        floatWeight: floatWeightsOf(floatGraphs[part]!),
      });
      records = records.map((q) => (q.part === part ? baked[mine.indexOf(q)]! : q));
      assertNoLearningOps(model[part].model.graph, part);
    }
    notes.push(
      `LSQ+: ${endToEndSummary(r, o, calibration.images.length, objective)}`,
    );
    return { ...init, method: "lsq+", quantizers: records, timings, notes };
  },
});
