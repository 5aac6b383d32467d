/**
 * Gradient rules for reductions over constant axes (attribute before opset 13 for ReduceSum and before
 * opset 18 for the others, else the second input):
 *
 * - ReduceSum: dX = dY broadcast back over the reduced axes.
 * - ReduceMean: the same, divided by the number of reduced elements.
 * - ReduceMax/ReduceMin: dY goes to the elements equal to the extreme, shared evenly among ties.
 *
 * Empty axes reduce everything, unless `noop_with_empty_axes` = 1 (then the op is the identity).
 *
 * @module
 */
import { attrInt, attrInts } from "../../ir/attribute.ts";
import type { Node } from "../../ir/node.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

/** The reduced axes (non-negative, sorted) of a Reduce* node; `[]` for the noop case. */
export function reduceAxes(ctx: GradContext, node: Node): number[] {
  const rank = ctx.rank(node.inputs[0]!);
  const input = node.inputs[1];
  let axes = input !== undefined && input.name !== "" ? ctx.values(input) : attrInts(node.attrs, "axes");
  if (axes === undefined || axes.length === 0) {
    if (attrInt(node.attrs, "noop_with_empty_axes", 0) === 1) return [];
    axes = Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** `t` (reduced, keepdims or not) reshaped to the keepdims shape and broadcast to X's shape. */
function spread(ctx: GradContext, node: Node, axes: number[], t: Tensor): Tensor {
  const shape = ctx.shape(node.inputs[0]!);
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return ctx.expand(ctx.reshape(t, kept), shape);
}

function reduceRule(kind: "sum" | "mean" | "extreme"): GradientRule {
  return {
    staticInputs: [1],
    grad: (ctx, node, dY, needs) => {
      const g = dY[0];
      if (g === undefined || !needs[0]) return [undefined];
      const x = node.inputs[0]!;
      const axes = reduceAxes(ctx, node);
      if (axes.length === 0) return [g];
      const shape = ctx.shape(x);
      if (kind === "sum") return [spread(ctx, node, axes, g)];
      if (kind === "mean") {
        const count = axes.reduce((n, a) => n * shape[a]!, 1);
        return [spread(ctx, node, axes, ctx.scale(g, 1 / count))];
      }
      const dtype = ctx.dtype(x);
      const y = spread(ctx, node, axes, node.outputs[0]!);
      const hit = ctx.cast(ctx.compare("Equal", x, y), dtype);
      const ties = spread(ctx, node, axes, ctx.reduceSum(hit, axes, true));
      return [ctx.mul(ctx.div(spread(ctx, node, axes, g), ties), hit)];
    },
  };
}

export const reduceSum: GradientRule = reduceRule("sum");
export const reduceMean: GradientRule = reduceRule("mean");
export const reduceExtreme: GradientRule = reduceRule("extreme");
