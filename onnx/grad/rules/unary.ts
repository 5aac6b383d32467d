/**
 * Gradient rules for elementwise unary ops, dX = dY · f′(X), with f′ written through the output Y where
 * that is cheaper:
 *
 * | op         | f′                 | op      | f′               |
 * |------------|--------------------|---------|------------------|
 * | Identity   | 1                  | Exp     | Y                |
 * | Neg        | −1                 | Log     | 1/X              |
 * | Abs        | sign(X)            | Erf     | 2/√π · e^(−X²)   |
 * | Reciprocal | −Y²                | Tanh    | 1 − Y²           |
 * | Sqrt       | 1/(2Y)             | Sigmoid | Y(1 − Y)         |
 * | Relu       | 1 where X > 0      | Sin/Cos | cos X / −sin X   |
 *
 * Cast between float types casts the gradient back to the input's type. Relu's gradient at 0 is 0, and
 * Abs's is 0 (sign(0)), as in PyTorch.
 *
 * @module
 */
import type { Node } from "../../ir/node.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

/** A rule for a single-input op whose gradient is `local(ctx, node, dY)`. */
function unaryRule(local: (ctx: GradContext, node: Node, g: Tensor) => Tensor): GradientRule {
  return {
    grad: (ctx, node, dY, needs) => {
      const g = dY[0];
      if (g === undefined || !needs[0]) return [undefined];
      return [local(ctx, node, g)];
    },
  };
}

const x = (node: Node): Tensor => node.inputs[0]!;
const y = (node: Node): Tensor => node.outputs[0]!;

export const identity: GradientRule = unaryRule((_ctx, _node, g) => g);

export const neg: GradientRule = unaryRule((ctx, _node, g) => ctx.unary("Neg", g));

export const cast: GradientRule = unaryRule((ctx, node, g) => ctx.cast(g, ctx.dtype(x(node))));

export const abs: GradientRule = unaryRule((ctx, node, g) => ctx.mul(g, ctx.unary("Sign", x(node))));

export const reciprocal: GradientRule = unaryRule((ctx, node, g) =>
  ctx.unary("Neg", ctx.mul(g, ctx.mul(y(node), y(node))))
);

export const sqrt: GradientRule = unaryRule((ctx, node, g) => ctx.div(ctx.scale(g, 0.5), y(node)));

export const exp: GradientRule = unaryRule((ctx, node, g) => ctx.mul(g, y(node)));

export const log: GradientRule = unaryRule((ctx, node, g) => ctx.div(g, x(node)));

export const erf: GradientRule = unaryRule((ctx, node, g) => {
  const v = x(node);
  const gauss = ctx.unary("Exp", ctx.unary("Neg", ctx.mul(v, v)));
  return ctx.mul(g, ctx.scale(gauss, 2 / Math.sqrt(Math.PI)));
});

export const relu: GradientRule = unaryRule((ctx, node, g) => {
  const positive = ctx.compare("Greater", x(node), ctx.scalar(0, ctx.dtype(g)));
  return ctx.where(positive, g, ctx.scalar(0, ctx.dtype(g)));
});

export const tanh: GradientRule = unaryRule((ctx, node, g) =>
  ctx.mul(g, ctx.sub(ctx.scalar(1, ctx.dtype(g)), ctx.mul(y(node), y(node))))
);

export const sigmoid: GradientRule = unaryRule((ctx, node, g) =>
  ctx.mul(g, ctx.sub(y(node), ctx.mul(y(node), y(node))))
);

export const sin: GradientRule = unaryRule((ctx, node, g) => ctx.mul(g, ctx.unary("Cos", x(node))));

export const cos: GradientRule = unaryRule((ctx, node, g) =>
  ctx.unary("Neg", ctx.mul(g, ctx.unary("Sin", x(node))))
);
