/**
 * Internal: names of what learned methods add to training graphs. Nothing here reaches an evaluation
 * graph: training graphs are built on copies, and the learned values are baked back into the standard
 * `samq.q/` emission (`bake_learned.ts`).
 *
 * | name                              | what                                                        |
 * |-----------------------------------|-------------------------------------------------------------|
 * | `samq.learn/<id>/step`            | learned step Δ of quantizer `<id>` (graph input; one per channel group for CAG) |
 * | `samq.learn/<id>/zero`            | learned real-valued zero point z (LSQ+ offset, STE-rounded)  |
 * | `samq.learn/<id>/round`           | AdaRound variable V of weight `<id>` (same shape as W)        |
 * | `samq.learn/<id>/log_scale`       | learned top s of a log quantizer (AGQ)                        |
 * | `samq.learn/<id>/hluq_log_scale`  | learned split point s_log of an HLUQ quantizer (AHCPTQ)        |
 * | `samq.learn/<id>/hluq_uni_scale`  | learned uniform step s_uni of an HLUQ quantizer (AHCPTQ)       |
 * | `samq.learn/<id>/gadt_shift`      | learned GADT group shifts (one per OHC group)                 |
 * | `samq.learn/<id>/gadt_scale`      | learned GADT group scales (one per OHC group, kept > 0)       |
 * | `samq.learn.ctl/<name>`           | per-step control scalars fed by the host (β, λ, drop prob)    |
 * | `samq.learn.fp/<tensor>`          | the float-model copy of a unit input (QDrop input mixing)     |
 * | `samq.learn.target/<tensor>`      | the float target of a loss term                              |
 * | `samq.learn.op/…`                 | nodes of parametric quantizers, losses and transforms         |
 *
 * @module
 */

/** Prefix of learned parameter inputs. */
export const LEARN_PREFIX = "samq.learn/";
/** Prefix of nodes added to training graphs. */
export const LEARN_OP_PREFIX = "samq.learn.op/";

/** Roles of learned parameters (see the module table). */
export const LEARN_ROLES = [
  "step",
  "zero",
  "round",
  "log_scale",
  "hluq_log_scale",
  "hluq_uni_scale",
  "gadt_shift",
  "gadt_scale",
] as const;
/** One of {@link LEARN_ROLES}. */
export type LearnRole = typeof LEARN_ROLES[number];

/** The graph input holding parameter `role` of quantizer (or GADT target) `id`. */
export function learnParamName(id: string, role: LearnRole): string {
  return `${LEARN_PREFIX}${id}/${role}`;
}

/** Per-step control scalars fed by the host. */
export const CONTROL = Object.freeze({
  /** AdaRound regulariser exponent β (annealed 20 → 2). */
  beta: "samq.learn.ctl/beta",
  /** AdaRound regulariser weight λ (0 during warm-up). */
  regWeight: "samq.learn.ctl/reg_weight",
  /** QDrop probability of quantizing (0.5 while reconstructing; 1 = every quantizer active). */
  quantProb: "samq.learn.ctl/quant_prob",
});

/** Input carrying the float-model copy of unit input `tensor`. */
export function floatInputName(tensor: string): string {
  return `samq.learn.fp/${tensor}`;
}

/** Input carrying the float target of `tensor`. */
export function targetName(tensor: string): string {
  return `samq.learn.target/${tensor}`;
}
