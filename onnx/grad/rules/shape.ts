/**
 * Gradient rules for ops that only move or repeat elements:
 *
 * - Reshape, Flatten, Squeeze, Unsqueeze: dX = dY reshaped to X's shape.
 * - Transpose(perm): dX = Transpose(dY, perm⁻¹) (default perm reverses the axes).
 * - Expand: dX = dY summed over the broadcast axes.
 * - Tile(repeats): dY viewed as [r₀, d₀, r₁, d₁, …] (output index = copy·d + i) and summed over the r axes.
 *
 * @module
 */
import { attrInts } from "../../ir/attribute.ts";
import type { GradientRule } from "../gradient_rule.ts";

export const reshapeLike: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    const out = node.inputs.map(() => undefined) as (ReturnType<typeof ctx.reshape> | undefined)[];
    if (g !== undefined && needs[0]) out[0] = ctx.reshape(g, ctx.shape(node.inputs[0]!));
    return out;
  },
};

export const transpose: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined];
    const rank = ctx.rank(node.inputs[0]!);
    const perm = attrInts(node.attrs, "perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return [ctx.transpose(g, inverse)];
  },
};

export const expand: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined, undefined];
    return [ctx.unbroadcast(g, ctx.shape(node.inputs[0]!)), undefined];
  },
};

export const tile: GradientRule = {
  staticInputs: [1],
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined, undefined];
    const shape = ctx.shape(node.inputs[0]!);
    const repeats = ctx.values(node.inputs[1]!);
    const split = shape.flatMap((d, i) => [repeats[i]!, d]);
    const axes = shape.map((_, i) => 2 * i).filter((a) => split[a] !== 1);
    const summed = ctx.reduceSum(ctx.reshape(g, split), axes, true);
    return [ctx.reshape(summed, shape), undefined];
  },
};
