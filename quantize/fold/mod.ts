/**
 * Exact folding of per-channel shift/scale transforms into LayerNorm and Linear weights (GADT, OS+,
 * RepQ-ViT) and of BIG's sign vector into q/k projections.
 *
 * @module
 */
export { foldLayerNorm } from "./fold_layer_norm.ts";
export type { FoldedLayerNorm } from "./fold_layer_norm.ts";
export { foldLinearInput, LINEAR_LAYOUTS } from "./fold_linear_input.ts";
export type { FoldedLinear, LinearLayout, LinearWeights } from "./fold_linear_input.ts";
export { repqReparameterize } from "./repq_reparameterize.ts";
export type { RepqOptions, RepqReparam } from "./repq_reparameterize.ts";
export { channelMeanSigns } from "./channel_mean_signs.ts";
export { foldOutputSigns } from "./fold_output_signs.ts";
