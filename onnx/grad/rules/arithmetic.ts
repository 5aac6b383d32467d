/**
 * Gradient rules for broadcasting arithmetic: Add, Sub, Mul, Div, Pow, Sum, Max, Min, Where.
 *
 * With Y = op(A, B) broadcast to shape(Y), each operand's gradient is the elementwise partial times dY,
 * summed back over the axes it was broadcast along (`GradContext.unbroadcast`):
 *
 * | op  | ∂Y/∂A            | ∂Y/∂B                 |
 * |-----|------------------|-----------------------|
 * | Add | 1                | 1                     |
 * | Sub | 1                | −1                    |
 * | Mul | B                | A                     |
 * | Div | 1/B              | −Y/B                  |
 * | Pow | B·A^(B−1)        | Y·ln A (A > 0 only)   |
 *
 * Max/Min (variadic) send dY to the selected input; where k inputs tie for the extreme, each gets dY/k
 * (PyTorch's rule for two inputs). Where sends dY to X where the condition holds and to Y elsewhere.
 *
 * @module
 */
import type { Node } from "../../ir/node.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

function dy0(ctx: GradContext, dY: readonly (Tensor | undefined)[]): Tensor {
  const g = dY[0];
  if (g === undefined) throw ctx.error("no gradient reaches its output");
  return g;
}

/** Gradient for input `i` from an elementwise partial `g` (of the output's shape). */
function toInput(ctx: GradContext, node: Node, i: number, g: Tensor): Tensor {
  return ctx.unbroadcast(g, ctx.shape(node.inputs[i]!));
}

export const add: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dy0(ctx, dY);
    return node.inputs.map((_, i) => (needs[i] ? toInput(ctx, node, i, g) : undefined));
  },
};

export const sub: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dy0(ctx, dY);
    return [
      needs[0] ? toInput(ctx, node, 0, g) : undefined,
      needs[1] ? toInput(ctx, node, 1, ctx.unary("Neg", g)) : undefined,
    ];
  },
};

export const mul: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dy0(ctx, dY);
    const [a, b] = node.inputs as [Tensor, Tensor];
    return [
      needs[0] ? toInput(ctx, node, 0, ctx.mul(g, b)) : undefined,
      needs[1] ? toInput(ctx, node, 1, ctx.mul(g, a)) : undefined,
    ];
  },
};

export const div: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dy0(ctx, dY);
    const b = node.inputs[1]!;
    const y = node.outputs[0]!;
    return [
      needs[0] ? toInput(ctx, node, 0, ctx.div(g, b)) : undefined,
      needs[1] ? toInput(ctx, node, 1, ctx.unary("Neg", ctx.div(ctx.mul(g, y), b))) : undefined,
    ];
  },
};

export const pow: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dy0(ctx, dY);
    const [a, bRaw] = node.inputs as [Tensor, Tensor];
    const dtype = ctx.dtype(a);
    let dA: Tensor | undefined;
    if (needs[0]) {
      if (bRaw.kind === "constant" && bRaw.size === 1) {
        // Constant exponent p: p·A^(p−1), with the common p = 2 and p = 1 as plain products.
        const p = ctx.values(bRaw)[0]!;
        const local = p === 1
          ? undefined
          : p === 2
          ? ctx.scale(a, 2)
          : ctx.scale(ctx.binary("Pow", a, ctx.scalar(p - 1, dtype)), p);
        dA = local === undefined ? g : ctx.mul(g, local);
      } else {
        const b = ctx.cast(bRaw, dtype);
        dA = ctx.mul(g, ctx.mul(b, ctx.binary("Pow", a, ctx.sub(b, ctx.scalar(1, dtype)))));
      }
      dA = toInput(ctx, node, 0, dA);
    }
    let dB: Tensor | undefined;
    if (needs[1]) dB = toInput(ctx, node, 1, ctx.mul(g, ctx.mul(node.outputs[0]!, ctx.unary("Log", a))));
    return [dA, dB];
  },
};

export const sum: GradientRule = add;

function extremum(): GradientRule {
  return {
    grad: (ctx, node, dY, needs) => {
      const g = dy0(ctx, dY);
      if (node.inputs.length === 1) return [g];
      const y = node.outputs[0]!;
      const dtype = ctx.dtype(y);
      // x_i ≥ y for Max (x_i ≤ y for Min) holds exactly where x_i was selected.
      const selected = node.inputs.map((x) =>
        ctx.cast(ctx.not(ctx.compare(node.op === "Max" ? "Less" : "Greater", x, y)), dtype)
      );
      const count = selected.reduce((acc: Tensor, m) => ctx.add(acc, m));
      const share = ctx.div(g, count);
      return node.inputs.map((
        _,
        i,
      ) => (needs[i] ? toInput(ctx, node, i, ctx.mul(share, selected[i]!)) : undefined));
    },
  };
}

export const max: GradientRule = extremum();
export const min: GradientRule = extremum();

export const where: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dy0(ctx, dY);
    const cond = node.inputs[0]!;
    const zero = ctx.scalar(0, ctx.dtype(g));
    return [
      undefined,
      needs[1] ? toInput(ctx, node, 1, ctx.where(cond, g, zero)) : undefined,
      needs[2] ? toInput(ctx, node, 2, ctx.where(cond, zero, g)) : undefined,
    ];
  },
};
