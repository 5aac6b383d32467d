/**
 * `ptq4sam-l`: PTQ4SAM's learned variant (Lv et al., CVPR 2024; spec §4.4) — PTQ4SAM-S's static stages
 * (`ptq4sam-s`: BIG sign folding, AGQ log quantizers for post-softmax values, AvgMinMax activations,
 * L_p weights) followed by QDrop-style block reconstruction (`learn/reconstruct_units.ts`):
 *
 * - units in graph order (encoder attention and MLP blocks, neck convs; decoder self-attention,
 *   cross-attentions, MLPs, final attention), one random calibration sample per step;
 * - AdaRound V per weight (Adam 1e-3), LSQ Δ_A per activation quantizer and the AGQ scale s of each
 *   post-softmax log quantizer (Adam 4e-5, cosine; τ stays fixed), learned jointly;
 * - QDrop input mixing and dropping at p = 0.5; loss Σ_{dim 1}(ŷ − y)² + λ·f_reg (λ = 0.01, 20 % warm-up,
 *   β 20 → 2); 20,000 steps per unit, times `budget`;
 * - **without the evaluation bug** (spec §4.5): the drop probability is reset to 1 on every quantizer —
 *   the learned values are baked into the standard emission, which has no dropping, and the audit
 *   proves every quantizer active.
 *
 * The static stage's options are passed through `ptq4samS` (see `ptq4sam_s.ts`).
 *
 * @module
 */
import { budgetSteps } from "../learn/learn_budget.ts";
import { assertNoLearningOps } from "../learn/no_learning_ops.ts";
import { reconstructUnits } from "../learn/reconstruct_units.ts";
import { summarizeUnits } from "../learn/summarize_units.ts";
import { PTQ4SAM_S, PTQ4SAM_S_DEFAULTS, type Ptq4samSOptions } from "./ptq4sam_s.ts";
import { checkReconstructionOptions, QDROP_DEFAULTS, type QdropOptions } from "./qdrop.ts";
import { learningInput } from "./steps/learning_input.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { Method, QuantizedModel } from "./types.ts";

/** Options of the `ptq4sam-l` method. */
export interface Ptq4samLOptions extends
  Pick<
    QdropOptions,
    | "iterations"
    | "budget"
    | "dropProb"
    | "roundLr"
    | "stepLr"
    | "regWeight"
    | "warmup"
    | "betaStart"
    | "betaEnd"
    | "evalSamples"
    | "cacheBytes"
  > {
  /** Adam learning rate of the AGQ scale s, cosine to 0 (spec §4.3: 4e-5, as scale_lr). @default 0.00004 */
  agqScaleLr: number;
  /** Options of the static stage (`ptq4sam-s`), validated by it; a partial object is completed with them. @default PTQ4SAM_S_DEFAULTS */
  ptq4samS: Partial<Ptq4samSOptions>;
}

/** Frozen defaults of {@link Ptq4samLOptions} (spec §4.4: QDrop's schedule). */
export const PTQ4SAM_L_DEFAULTS: Readonly<Ptq4samLOptions> = Object.freeze({
  iterations: QDROP_DEFAULTS.iterations,
  budget: QDROP_DEFAULTS.budget,
  dropProb: QDROP_DEFAULTS.dropProb,
  roundLr: QDROP_DEFAULTS.roundLr,
  stepLr: QDROP_DEFAULTS.stepLr,
  agqScaleLr: 4e-5,
  regWeight: QDROP_DEFAULTS.regWeight,
  warmup: QDROP_DEFAULTS.warmup,
  betaStart: QDROP_DEFAULTS.betaStart,
  betaEnd: QDROP_DEFAULTS.betaEnd,
  evalSamples: QDROP_DEFAULTS.evalSamples,
  cacheBytes: QDROP_DEFAULTS.cacheBytes,
  ptq4samS: PTQ4SAM_S_DEFAULTS,
});

/** The `ptq4sam-l` method. */
export const PTQ4SAM_L: Method<Ptq4samLOptions> = Object.freeze<Method<Ptq4samLOptions>>({
  name: "ptq4sam-l",
  summary:
    "PTQ4SAM-L: PTQ4SAM-S, then QDrop reconstruction with AGQ scales learned, all quantizers active at evaluation (spec §4.4)",
  defaults: PTQ4SAM_L_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): Ptq4samLOptions {
    const m = "ptq4sam-l";
    const o = mergeOptions(m, PTQ4SAM_L_DEFAULTS, partial);
    checkReconstructionOptions(m, o);
    checkOption(m, "agqScaleLr", o.agqScaleLr > 0, "must be > 0");
    checkOption(m, "ptq4samS", typeof o.ptq4samS === "object" && o.ptq4samS !== null, "must be an object");
    return { ...o, ptq4samS: { ...PTQ4SAM_S.resolveOptions(o.ptq4samS as Record<string, unknown>) } };
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const init = await PTQ4SAM_S.quantize(model, calibration, {
      ...options,
      method: PTQ4SAM_S.resolveOptions(o.ptq4samS as Record<string, unknown>),
    }, progress);
    const iterations = budgetSteps(o.iterations, o.budget);
    const timings = { ...init.timings };
    const recon = await timePhase(
      timings,
      "calibrate",
      () =>
        reconstructUnits(learningInput(model, init, calibration, options, o.cacheBytes, progress), {
          label: "ptq4sam-l",
          treat: (r) =>
            r.target === "weight"
              ? { mode: "learn", adaround: true }
              : r.params.kind === "log"
              ? { mode: "learn", logScale: true, drop: true }
              : { mode: "learn", step: true, drop: true },
          iterations,
          optimizers: {
            round: { lr: o.roundLr, schedule: "constant" },
            step: { lr: o.stepLr, schedule: "cosine" },
            log_scale: { lr: o.agqScaleLr, schedule: "cosine" },
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
      method: "ptq4sam-l",
      quantizers: recon.records,
      timings,
      notes: [
        ...init.notes,
        summarizeUnits(`PTQ4SAM-L (${iterations} steps = ${o.iterations} × budget ${o.budget})`, recon.units),
        "PTQ4SAM-L: drop probability reset to 1 on every quantizer for evaluation (spec §4.5 bug fixed)",
      ],
    };
  },
});
