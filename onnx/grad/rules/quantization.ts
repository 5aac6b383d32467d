/**
 * Gradient rules for the ops of fake quantization (spec §1, "STE"):
 *
 * - Round, Floor, Ceil: the straight-through estimator, dX = dY (the rounding is treated as the
 *   identity, as `round_ste(u) = u + stopgrad(round(u) − u)` does in the PTQ4SAM/QDrop code).
 * - Clip(X, lo, hi): dX = dY where lo ≤ X ≤ hi (bounds included, as PyTorch's clamp), else 0. Bounds given
 *   as tensors get the gradient of the values clipped to them: d lo = Σ dY where X < lo, d hi = Σ dY where
 *   X > hi (PACT-style learnable bounds). Opset < 11 bounds are attributes and get no gradient.
 *
 * @module
 */
import type { Tensor } from "../../ir/tensor.ts";
import type { GradientRule } from "../gradient_rule.ts";

export const straightThrough: GradientRule = {
  grad: (_ctx, _node, dY, needs) => [needs[0] ? dY[0] : undefined],
};

export const clip: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined) return node.inputs.map(() => undefined);
    const dtype = ctx.dtype(g);
    const x = node.inputs[0]!;
    const bound = (slot: number, name: "min" | "max"): Tensor | undefined => {
      const t = node.inputs[slot];
      if (t !== undefined && t.name !== "") return t;
      const a = node.attrs[name];
      return a?.type === "float" ? ctx.scalar(a.value, dtype) : undefined;
    };
    const lo = bound(1, "min");
    const hi = bound(2, "max");
    const zero = ctx.scalar(0, dtype);
    const below = lo === undefined ? undefined : ctx.compare("Less", x, lo);
    const above = hi === undefined ? undefined : ctx.compare("Greater", x, hi);
    let dX: Tensor | undefined;
    if (needs[0]) {
      dX = g;
      if (below !== undefined) dX = ctx.where(below, zero, dX);
      if (above !== undefined) dX = ctx.where(above, zero, dX);
    }
    const toBound = (mask: Tensor | undefined, slot: number): Tensor | undefined => {
      if (!needs[slot] || mask === undefined) return undefined;
      return ctx.unbroadcast(ctx.where(mask, g, zero), ctx.shape(node.inputs[slot]!));
    };
    return [dX, toBound(below, 1), toBound(above, 2)];
  },
};
