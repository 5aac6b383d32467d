/**
 * Reverse-mode differentiation of ONNX graphs: {@link buildGradientGraph} turns a forward graph with a
 * scalar loss into a graph that also outputs `grad/<p>` = ∂loss/∂p for each parameter p, with one
 * {@link GradientRule} per op (registry {@link GRADIENT_RULES}; rounding ops use the straight-through
 * estimator). The host feeds parameters as graph inputs and runs the optimizer (`quantize/train/`).
 *
 * ```ts ignore
 * import { buildGradientGraph, encodeModel } from "./onnx/mod.ts";
 * const grad = await buildGradientGraph(forward, { loss: "loss", wrt: ["scale"] });
 * const session = await ort.InferenceSession.create(encodeModel(grad));
 * const out = await session.run({ x, scale }); // out["loss"], out["grad/scale"]
 * ```
 *
 * @module
 */
export { buildGradientGraph, type BuildGradientGraphOptions, gradientName } from "./build_gradient_graph.ts";
export { GRAD_DTYPES, GradContext } from "./grad_context.ts";
export type { GradientRule } from "./gradient_rule.ts";
export { GRADIENT_RULES } from "./rules/mod.ts";
