/**
 * `pq-sam`: the full PQ-SAM (Liu et al., ECCV 2024; spec §3.3): the static stages of `pq-sam-s` (IQR
 * truncation λ = 10, OHC grouping α = 0.25, GADT folded into LayerNorm/Linear, per-tensor quantizers),
 * then {v_n}, {s_n}, Δ_X and Δ_W learned jointly end to end on the calibration set (§3.3 E, Table 5:
 * all three sets together).
 *
 * 1. Static stages: `PQ_SAM_S.quantize` (its options under the same names).
 * 2. OHC groups recovered from the folds (`learn/recover_gadt_targets.ts`); per target one learned scale and shift
 *    per group on top of the static transform (2·N_groups parameters, §3.3 F), s kept positive by |·|.
 * 3. End-to-end learning (`learn/end_to_end.ts`): MSE between quantized and float low-resolution mask
 *    logits of every calibration prompt, batch 1 image, 100 epochs (§3.1 [SEC]), Adam lr 1e-5 for step
 *    sizes and for v, s (the re-implementation's single learning rate, §3.2; option `gadtLr`), cosine
 *    schedule, LSQ gradient scale on the steps; gradients through the STE-rounded activations and weights.
 *    Steps = epochs × images × `budget`.
 * 4. The learned v, s are folded into the LayerNorm (or the explicit per-channel affine) and the next
 *    Linear exactly as the static stage folds; the fence moves with them; the weights are re-quantized
 *    with their learned steps; the learned values are kept only if the objective on the evaluation images
 *    is not worse than after the static stages.
 *
 * Use `--n 100` for PQ-SAM's 100 calibration images (spec §3.1).
 *
 * @module
 */
import { encodeModel } from "../../onnx/io/write_model.ts";
import { decodeModel, readModel } from "../../onnx/io/read_model.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { ModelPart } from "../graph/types.ts";
import { bakeLearned } from "../learn/bake_learned.ts";
import { trainEndToEnd } from "../learn/end_to_end.ts";
import { floatWeightsOf } from "../learn/float_weights.ts";
import { foldLearnedGadt, learnedChannels } from "../learn/fold_learned_gadt.ts";
import { gadtPlugin } from "../learn/gadt_plugin.ts";
import { recoverGadtTargets } from "../learn/recover_gadt_targets.ts";
import { budgetSteps } from "../learn/learn_budget.ts";
import { assertNoLearningOps } from "../learn/no_learning_ops.ts";
import {
  checkEndToEndOptions,
  END_TO_END_DEFAULTS,
  type EndToEndOptions,
  endToEndSummary,
} from "./lsq_plus.ts";
import { learningInput } from "./steps/learning_input.ts";
import { type GadtFoldRecord, PQ_SAM_S, PQ_SAM_S_DEFAULTS, type PqSamSOptions } from "./pq_sam_s.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { timePhase } from "./steps/time_phase.ts";
import type { Method, QuantizedModel } from "./types.ts";

/**
 * Options of the `pq-sam` method: those of the static stages (`pq-sam-s`: λ, α, … under the same names,
 * so that `--set lambda=6` and the λ/α ablation grid work for both) plus those of the learned stage.
 */
export interface PqSamOptions extends EndToEndOptions, PqSamSOptions {
  /** Adam learning rate of the learned group scales and shifts, cosine to 0 (spec §3.3 E). @default 0.00001 */
  gadtLr: number;
  /** Learn Δ_X (spec §3.3 E, Table 5). @default true */
  learnActivationSteps: boolean;
  /** Learn Δ_W (Table 5). @default true */
  learnWeightSteps: boolean;
  /** Learn {v_n}, {s_n} (Table 5). @default true */
  learnGadt: boolean;
}

/** A learned GADT fold in `quant.json`: the static record plus the learned transform's range. */
export interface LearnedGadtFoldRecord extends GadtFoldRecord {
  /** Range of the learned factor a on top of the static scale (s = s_static·a). */
  learnedScale: [number, number];
  /** Range of the learned shift c (in x̃ units; v = v_static + s_static·c). */
  learnedShift: [number, number];
  /** Whether the recovered OHC groups matched the recorded sizes exactly. */
  groupsRecovered: boolean;
}

/** Frozen defaults of {@link PqSamOptions}. */
export const PQ_SAM_DEFAULTS: Readonly<PqSamOptions> = Object.freeze({
  ...PQ_SAM_S_DEFAULTS,
  ...END_TO_END_DEFAULTS,
  gadtLr: 1e-5,
  learnActivationSteps: true,
  learnWeightSteps: true,
  learnGadt: true,
});

/** The `pq-sam` method. */
export const PQ_SAM: Method<PqSamOptions> = Object.freeze<Method<PqSamOptions>>({
  name: "pq-sam",
  summary:
    "PQ-SAM: pq-sam-s, then grouped shift/scale and step sizes learned end to end, folded into the weights (spec §3.3)",
  defaults: PQ_SAM_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): PqSamOptions {
    const m = "pq-sam";
    const o = mergeOptions(m, PQ_SAM_DEFAULTS, partial);
    checkEndToEndOptions(m, o);
    checkOption(m, "gadtLr", o.gadtLr > 0, "must be > 0");
    return { ...o, ...PQ_SAM_S.resolveOptions(staticOptions(o)) };
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const init = await PQ_SAM_S.quantize(model, calibration, {
      ...options,
      method: PQ_SAM_S.resolveOptions(staticOptions(o)),
    }, progress);
    const timings = { ...init.timings };
    const notes = [...init.notes];
    const floatModels = Object.fromEntries(
      Object.entries(init.foldedFloat).map(([p, b]) => [p, decodeModel(b!)]),
    );
    const floatGraphs: Partial<Record<ModelPart, Graph>> = Object.fromEntries(
      Object.entries(floatModels).map(([p, m]) => [p, m.graph]),
    );
    const sources: Partial<Record<ModelPart, Promise<Graph>>> = {};
    const source = (part: ModelPart) =>
      sources[part] ??= readModel(part === "encoder" ? model.source.encoderPath : model.source.decoderPath)
        .then((m) => m.graph);
    const folds = init.folds.filter((f): f is GadtFoldRecord => f.kind === "gadt");
    const targets = o.learnGadt ? await recoverGadtTargets(model, folds, source) : [];
    const inexact = targets.filter((t) => !t.exact);
    if (inexact.length > 0) {
      notes.push(
        `PQ-SAM: OHC groups of ${inexact.length} target(s) recovered approximately (first "${
          inexact[0]!.fold.site
        }")`,
      );
    }
    const objective = model.source.config.format === "official" ? o.objective : "embedding";
    const steps = budgetSteps(o.epochs * calibration.images.length, o.budget);
    const r = await timePhase(
      timings,
      "calibrate",
      () =>
        trainEndToEnd(learningInput(model, init, calibration, options, o.cacheBytes, progress, floatGraphs), {
          label: "pq-sam",
          treat: (rec) =>
            rec.target === "weight"
              ? { mode: "learn", step: o.learnWeightSteps }
              : rec.params.kind === "log"
              ? { mode: "fixed" }
              : { mode: "learn", step: o.learnActivationSteps },
          steps,
          optimizers: {
            step: { lr: o.lr, schedule: "cosine" },
            gadt_scale: { lr: o.gadtLr, schedule: "cosine" },
            gadt_shift: { lr: o.gadtLr, schedule: "cosine" },
          },
          objective,
          promptsPerStep: o.promptsPerStep,
          evalImages: o.evalImages,
          ...(targets.length > 0 ? { plugin: gadtPlugin(targets, floatGraphs) } : {}),
        }),
    );
    // Fold the learned transforms, then bake the learned steps into the standard emission.
    let records = init.quantizers;
    const foldedFloat = { ...init.foldedFloat };
    for (const part of init.quantizedParts) {
      const F = floatGraphs[part]!;
      const requantize = foldLearnedGadt(
        model[part].model.graph,
        F,
        targets.filter((t) => t.part === part),
        r.values,
      );
      const mine = records.filter((q) => q.part === part);
      const baked = bakeLearned(model[part].model, mine, r.values, {
        floatWeight: floatWeightsOf(F),
        requantize,
      });
      records = records.map((q) => (q.part === part ? baked[mine.indexOf(q)]! : q));
      foldedFloat[part] = encodeModel(floatModels[part]!);
      assertNoLearningOps(model[part].model.graph, part);
    }
    const learnedFolds = init.folds.map((f) => {
      const t = targets.find((x) => x.fold === f);
      if (t === undefined) return f;
      const { scale, shift } = learnedChannels(t, r.values);
      const rec: LearnedGadtFoldRecord = {
        ...t.fold,
        learnedScale: [Math.min(...scale), Math.max(...scale)],
        learnedShift: [Math.min(...shift), Math.max(...shift)],
        groupsRecovered: t.exact,
      };
      return rec;
    });
    notes.push(
      `PQ-SAM: ${targets.length} GADT targets learned (${
        targets.reduce((n, t) => n + 2 * t.groups, 0)
      } group parameters), ${endToEndSummary(r, o, calibration.images.length, objective)}`,
    );
    return {
      ...init,
      method: "pq-sam",
      quantizers: records,
      folds: learnedFolds,
      foldedFloat,
      timings,
      notes,
    };
  },
});

/** The `pq-sam-s` subset of `o`. */
function staticOptions(o: PqSamOptions): Partial<PqSamSOptions> {
  return Object.fromEntries(Object.keys(PQ_SAM_S_DEFAULTS).map((k) => [k, o[k as keyof PqSamSOptions]]));
}
