/**
 * Step "plan": the quantizer plan of every part in scope (`planQuantizers` on each prepared graph).
 *
 * @module
 */
import type { PreparedModel, PreparedPart } from "../../graph/prepare_sam_model.ts";
import { planQuantizers, type QuantizerPlan } from "../../insert/plan_quantizers.ts";
import type { CommonQuantizeOptions } from "../types.ts";

/** A part in scope with its plan. */
export interface PlannedPart {
  prepared: PreparedPart;
  plan: QuantizerPlan;
}

/** Plans every part selected by `options.scope`, encoder first. */
export function planModel(model: PreparedModel, options: CommonQuantizeOptions): PlannedPart[] {
  const parts = options.scope === "both"
    ? [model.encoder, model.decoder]
    : [options.scope === "encoder" ? model.encoder : model.decoder];
  return parts.map((prepared) => ({
    prepared,
    plan: planQuantizers(prepared.patterns, { includeFloatParts: options.includeFloatParts }),
  }));
}
