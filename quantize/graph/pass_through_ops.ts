/**
 * The ops that graph walks in `quantize/` may pass through, defined once.
 *
 * - {@link VALUE_PRESERVING_OPS}: layout ops and copies; every value arrives unchanged (possibly
 *   reordered). Pattern finders (attention, Q/K projections) look through these only.
 * - {@link GROUPING_WALK_OPS}: those plus ops that slice, gather, scale, cast or join a tensor without
 *   mixing its channels with another Linear's; walks that group Linears by the attention or activation
 *   they feed (GADT targets, learned-reconstruction units) cross these too.
 *
 * @module
 */

/** Ops that move values without changing them (layout or copies). */
export const VALUE_PRESERVING_OPS: ReadonlySet<string> = new Set([
  "Reshape",
  "Transpose",
  "Identity",
  "Squeeze",
  "Unsqueeze",
  "Flatten",
]);

/** {@link VALUE_PRESERVING_OPS} plus slicing, gathering, scaling, casts and concatenation. */
export const GROUPING_WALK_OPS: ReadonlySet<string> = new Set([
  ...VALUE_PRESERVING_OPS,
  "Split",
  "Slice",
  "Gather",
  "Mul",
  "Div",
  "Cast",
  "Concat",
]);
