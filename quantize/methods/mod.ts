/**
 * Quantization methods and their registry (STYLE "Applied to samq" 3). The CLI lists its `--method`
 * choices from {@link METHODS}; `getMethod` refuses unknown names listing the known ones.
 *
 * | name         | file          | summary                                                         |
 * |--------------|---------------|-----------------------------------------------------------------|
 * | `minmax`     | `minmax.ts`   | MinMax ranges (spec §1, §3.1 baselines)                          |
 * | `percentile` | `percentile.ts` | two-sided percentile activation ranges (spec §3.1 baselines)   |
 * | `repq-vit`   | `repq_vit.ts` | RepQ-ViT: LayerNorm reparameterization, log√2 softmax (spec §5) |
 * | `ptq4sam-s`  | `ptq4sam_s.ts` | PTQ4SAM-S: BIG + AGQ (spec §4.2–4.3)                          |
 * | `pq-sam-s`   | `pq_sam_s.ts` | PQ-SAM static stages: IQR truncation, OHC, GADT fold (spec §3.3) |
 * | `lsq+`       | `lsq_plus.ts` | LSQ+: steps and offsets learned end to end (spec §6)            |
 * | `brecq`      | `brecq.ts`    | BRECQ: block reconstruction with AdaRound (spec §7)             |
 * | `qdrop`      | `qdrop.ts`    | QDrop: AdaRound + LSQ activations with random dropping (spec §8) |
 * | `pq-sam`     | `pq_sam.ts`   | full PQ-SAM: pq-sam-s, then GADT and steps learned end to end (§3.3) |
 * | `ptq4sam-l`  | `ptq4sam_l.ts` | PTQ4SAM-L: BIG + AGQ, then QDrop reconstruction (spec §4.4)    |
 * | `ahcptq`     | `ahcptq.ts`   | AHCPTQ: PTQ4SAM-L + HLUQ post-GELU + CAG grouped inputs (spec §10) |
 *
 * Learned methods take `budget` (a factor in (0, 1] on the paper's iteration counts) for CPU runs.
 *
 * The method contract and how to add one: `types.ts`. Shared steps (plan → observe → fold → params →
 * emit): `steps/`.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { MINMAX } from "./minmax.ts";
import { PERCENTILE } from "./percentile.ts";
import { REPQ_VIT } from "./repq_vit.ts";
import { PQ_SAM_S } from "./pq_sam_s.ts";
import { PTQ4SAM_S } from "./ptq4sam_s.ts";
import { LSQ_PLUS } from "./lsq_plus.ts";
import { BRECQ } from "./brecq.ts";
import { QDROP } from "./qdrop.ts";
import { PQ_SAM } from "./pq_sam.ts";
import { PTQ4SAM_L } from "./ptq4sam_l.ts";
import { AHCPTQ } from "./ahcptq.ts";
import type { Method } from "./types.ts";

/** A method of any option type (the registry's element type). */
// deno-lint-ignore no-explicit-any
export type AnyMethod = Method<any>;

/** Registered methods, by name. */
export const METHODS: Readonly<Record<string, AnyMethod>> = Object.freeze({
  [MINMAX.name]: MINMAX,
  [PERCENTILE.name]: PERCENTILE,
  [REPQ_VIT.name]: REPQ_VIT,
  [PTQ4SAM_S.name]: PTQ4SAM_S,
  [PQ_SAM_S.name]: PQ_SAM_S,
  [LSQ_PLUS.name]: LSQ_PLUS,
  [BRECQ.name]: BRECQ,
  [QDROP.name]: QDROP,
  [PQ_SAM.name]: PQ_SAM,
  [PTQ4SAM_L.name]: PTQ4SAM_L,
  [AHCPTQ.name]: AHCPTQ,
});

/**
 * The method called `name`.
 *
 * @throws {SamqError} `invalid_argument` (field "method") listing the known methods.
 */
export function getMethod(name: string): AnyMethod {
  const m = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
  if (m === undefined) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use method "${name}": known methods are ${
        Object.keys(METHODS).map((k) => `"${k}"`).join(", ")
      }`,
      { field: "method" },
    );
  }
  return m;
}

export { MINMAX, MINMAX_ACTIVATION_RULES, MINMAX_DEFAULTS } from "./minmax.ts";
export type { MinmaxOptions } from "./minmax.ts";
export { PERCENTILE, PERCENTILE_METHOD_DEFAULTS } from "./percentile.ts";
export type { PercentileOptions } from "./percentile.ts";
export { REPQ_VIT, REPQ_VIT_DEFAULTS } from "./repq_vit.ts";
export type { RepqVitOptions } from "./repq_vit.ts";
export { PTQ4SAM_ACTIVATION_RULES, PTQ4SAM_S, PTQ4SAM_S_DEFAULTS, ptq4samStatic } from "./ptq4sam_s.ts";
export type { Ptq4samSExtension, Ptq4samSOptions } from "./ptq4sam_s.ts";
export { PQ_SAM_ACTIVATION_RULES, PQ_SAM_S, PQ_SAM_S_DEFAULTS, TRUNCATIONS } from "./pq_sam_s.ts";
export type { GadtFoldRecord, PqSamSOptions, Truncation } from "./pq_sam_s.ts";
export { END_TO_END_DEFAULTS, LSQ_PLUS, LSQ_PLUS_DEFAULTS } from "./lsq_plus.ts";
export type { EndToEndOptions, LsqPlusOptions } from "./lsq_plus.ts";
export { BRECQ, BRECQ_DEFAULTS } from "./brecq.ts";
export type { BrecqOptions } from "./brecq.ts";
export { QDROP, QDROP_DEFAULTS } from "./qdrop.ts";
export type { QdropOptions } from "./qdrop.ts";
export { PQ_SAM, PQ_SAM_DEFAULTS } from "./pq_sam.ts";
export type { LearnedGadtFoldRecord, PqSamOptions } from "./pq_sam.ts";
export { PTQ4SAM_L, PTQ4SAM_L_DEFAULTS } from "./ptq4sam_l.ts";
export type { Ptq4samLOptions } from "./ptq4sam_l.ts";
export { AHCPTQ, AHCPTQ_DEFAULTS } from "./ahcptq.ts";
export type { AhcptqOptions } from "./ahcptq.ts";
export { GRANULARITIES, SCOPES } from "./types.ts";
export type {
  BitWidths,
  CommonQuantizeOptions,
  FoldRecord,
  Granularity,
  Method,
  MethodRunOptions,
  QuantizedModel,
  Scope,
} from "./types.ts";
export { checkOption, mergeOptions } from "./steps/merge_options.ts";
export { planModel } from "./steps/plan_model.ts";
export type { PlannedPart } from "./steps/plan_model.ts";
export { deferUntilShape, observeActivations } from "./steps/observe_activations.ts";
export type { ObserverSpec, SiteStats } from "./steps/observe_activations.ts";
export { currentWeight, weightParams } from "./steps/weight_params.ts";
export type { WeightRule } from "./steps/weight_params.ts";
export { emitParts, snapshotParts } from "./steps/emit_parts.ts";
export { timePhase } from "./steps/time_phase.ts";
