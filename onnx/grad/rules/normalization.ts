/**
 * Gradient rules for Softmax, LogSoftmax and LayerNormalization.
 *
 * Softmax over axes S (opset ≥ 13: the one `axis`, default −1; before 13: every axis from `axis`, default
 * 1, on, as the op flattened the input to 2-D there): dX = Y ⊙ (dY − Σ_S dY ⊙ Y).
 * LogSoftmax: dX = dY − e^Y ⊙ Σ_S dY.
 *
 * LayerNormalization over the axes from `axis` (default −1) on, N elements each, recomputing the
 * statistics: μ = mean X, σ⁻¹ = 1/√(mean (X − μ)² + ε), X̂ = (X − μ)·σ⁻¹, Y = X̂ ⊙ Scale + B.
 * - dX = σ⁻¹ ⊙ (dX̂ − mean dX̂ − X̂ ⊙ mean(dX̂ ⊙ X̂)), with dX̂ = dY ⊙ Scale;
 * - dScale = Σ over the leading axes of dY ⊙ X̂; dB = Σ over the leading axes of dY.
 * The optional Mean and InvStdDev outputs must not carry gradients.
 *
 * @module
 */
import { attrInt } from "../../ir/attribute.ts";
import type { Node } from "../../ir/node.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

function softmaxAxes(ctx: GradContext, node: Node): number[] {
  const rank = ctx.rank(node.inputs[0]!);
  const legacy = ctx.opset < 13;
  let axis = attrInt(node.attrs, "axis", legacy ? 1 : -1);
  if (axis < 0) axis += rank;
  return legacy ? Array.from({ length: rank - axis }, (_, i) => axis + i) : [axis];
}

export const softmax: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined];
    const y = node.outputs[0]!;
    const s = ctx.reduceSum(ctx.mul(g, y), softmaxAxes(ctx, node), true);
    return [ctx.mul(y, ctx.sub(g, s))];
  },
};

export const logSoftmax: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined];
    const s = ctx.reduceSum(g, softmaxAxes(ctx, node), true);
    return [ctx.sub(g, ctx.mul(ctx.unary("Exp", node.outputs[0]!), s))];
  },
};

export const layerNormalization: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    if (dY[1] !== undefined || dY[2] !== undefined) {
      throw ctx.error(`gradients through the Mean/InvStdDev outputs are not supported`);
    }
    const g = dY[0];
    if (g === undefined) return node.inputs.map(() => undefined);
    const [x, scale, bias] = node.inputs as [Tensor, Tensor, Tensor | undefined];
    const shape = ctx.shape(x);
    const rank = shape.length;
    let axis = attrInt(node.attrs, "axis", -1);
    if (axis < 0) axis += rank;
    const eps = node.attrs.epsilon?.type === "float" ? node.attrs.epsilon.value : 1e-5;
    const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
    const n = axes.reduce((acc, a) => acc * shape[a]!, 1);
    const mean = (t: Tensor) => ctx.scale(ctx.reduceSum(t, axes, true), 1 / n);
    const dtype = ctx.dtype(x);
    // Recompute the statistics in the graph (the forward node's optional outputs may be absent).
    const xc = ctx.sub(x, mean(x));
    const variance = mean(ctx.mul(xc, xc));
    const rstd = ctx.unary("Reciprocal", ctx.unary("Sqrt", ctx.add(variance, ctx.scalar(eps, dtype))));
    const xhat = ctx.mul(xc, rstd);
    let dX: Tensor | undefined;
    if (needs[0]) {
      const dXhat = ctx.mul(g, scale);
      const inner = ctx.sub(ctx.sub(dXhat, mean(dXhat)), ctx.mul(xhat, mean(ctx.mul(dXhat, xhat))));
      dX = ctx.mul(rstd, inner);
    }
    const dScale = needs[1] ? ctx.unbroadcast(ctx.mul(g, xhat), ctx.shape(scale)) : undefined;
    const dB = needs[2] && bias !== undefined ? ctx.unbroadcast(g, ctx.shape(bias)) : undefined;
    return [dX, dScale, dB];
  },
};
