/**
 * Gradient rules for ops that select or assemble parts of tensors:
 *
 * - Concat: dXᵢ = the slice of dY that Xᵢ filled.
 * - Split: dX = Concat of the outputs' gradients (zeros where an output gets none).
 * - Slice(starts, ends, axes, steps): dY scattered back into zeros. Per axis, with first index a, count m
 *   and step s: a negative step is turned positive by reversing dY; s > 1 interleaves s − 1 zeros after
 *   each element (unsqueeze, pad, reshape, then trim); finally zeros are padded before a and after the
 *   last index.
 * - Pad (constant mode; pads may be negative, i.e. crops): dX = dY with the padding cut off (and zeros
 *   restored where the forward pass cropped).
 * - Gather(axis, constant indices): dX = Mᵀ·dY over the gathered axis, where M[k, d] = 1 when the k-th
 *   index is d (repeated indices accumulate). M is built when building, so it must stay small (D·K ≤ 2²⁴).
 *
 * @module
 */
import { attrInt, attrInts } from "../../ir/attribute.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import { normalizeSlice } from "../_shapes.ts";
import type { GradientRule } from "../gradient_rule.ts";

/** Slice end meaning "past the beginning" for negative steps (any value ≤ −dim − 1 works). */
const BEFORE_START = -(2 ** 62);

export const concat: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined) return node.inputs.map(() => undefined);
    const rank = ctx.rank(g);
    let axis = attrInt(node.attrs, "axis", 0);
    if (axis < 0) axis += rank;
    let offset = 0;
    return node.inputs.map((x, i) => {
      const d = ctx.shape(x)[axis]!;
      const start = offset;
      offset += d;
      return needs[i] ? ctx.slice(g, [start], [start + d], [axis]) : undefined;
    });
  },
};

export const split: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    if (!needs[0]) return node.inputs.map(() => undefined);
    const x = node.inputs[0]!;
    let axis = attrInt(node.attrs, "axis", 0);
    if (axis < 0) axis += ctx.rank(x);
    const parts = node.outputs.map((y, k) => dY[k] ?? ctx.zeros(ctx.shape(y), ctx.dtype(x)));
    return [ctx.concat(parts, axis), ...node.inputs.slice(1).map(() => undefined)];
  },
};

/** dY along one axis scattered into zeros of length `dim` (first index, step s ≠ 0, count m). */
function unsliceAxis(
  ctx: GradContext,
  g: Tensor,
  axis: number,
  dim: number,
  first: number,
  step: number,
): Tensor {
  const shape = ctx.shape(g);
  const m = shape[axis]!;
  if (m === 0) return ctx.zeros(shape.map((d, i) => (i === axis ? dim : d)), ctx.dtype(g));
  if (step < 0) {
    // Reverse so that indices ascend: last selected index becomes the first.
    g = ctx.slice(g, [m - 1], [BEFORE_START], [axis], [-1]);
    first = first + (m - 1) * step;
    step = -step;
  }
  if (step > 1) {
    const inner = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
    const pads = new Array(2 * inner.length).fill(0);
    pads[axis + 1 + inner.length] = step - 1;
    const spread = ctx.pad(ctx.reshape(g, inner), pads);
    const merged = shape.map((d, i) => (i === axis ? m * step : d));
    g = ctx.slice(ctx.reshape(spread, merged), [0], [(m - 1) * step + 1], [axis]);
  }
  const len = ctx.shape(g)[axis]!;
  const pads = new Array(2 * shape.length).fill(0);
  pads[axis] = first;
  pads[axis + shape.length] = dim - first - len;
  return ctx.pad(g, pads);
}

export const slice: GradientRule = {
  staticInputs: [1, 2, 3, 4],
  grad: (ctx, node, dY, needs) => {
    let g = dY[0];
    if (g === undefined || !needs[0]) return node.inputs.map(() => undefined);
    const shape = ctx.shape(node.inputs[0]!);
    const rank = shape.length;
    const opt = (slot: number, name: string) => {
      const t = node.inputs[slot];
      return t !== undefined && t.name !== "" ? ctx.values(t) : attrInts(node.attrs, name);
    };
    const starts = opt(1, "starts") ?? [];
    const ends = opt(2, "ends") ?? [];
    const axes = (opt(3, "axes") ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
    const steps = opt(4, "steps") ?? starts.map(() => 1);
    axes.forEach((axis, i) => {
      const { first } = normalizeSlice(shape[axis]!, starts[i]!, ends[i]!, steps[i]!);
      g = unsliceAxis(ctx, g!, axis, shape[axis]!, first, steps[i]!);
    });
    return [g, ...node.inputs.slice(1).map(() => undefined)];
  },
};

export const pad: GradientRule = {
  staticInputs: [1, 3],
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return node.inputs.map(() => undefined);
    const mode = node.attrs.mode?.type === "string" ? node.attrs.mode.value : "constant";
    if (mode !== "constant") throw ctx.error(`Pad mode "${mode}" has no gradient rule`);
    const shape = ctx.shape(node.inputs[0]!);
    const rank = shape.length;
    const padsIn = node.inputs[1];
    const raw = padsIn !== undefined && padsIn.name !== ""
      ? ctx.values(padsIn)
      : attrInts(node.attrs, "pads") ?? [];
    const axesIn = node.inputs[3];
    const axes = axesIn !== undefined && axesIn.name !== ""
      ? ctx.values(axesIn).map((a) => (a < 0 ? a + rank : a))
      : shape.map((_, i) => i);
    const pads = new Array(2 * rank).fill(0);
    axes.forEach((a, i) => {
      pads[a] = raw[i]!;
      pads[a + rank] = raw[i + axes.length]!;
    });
    // Negative pads cropped X: restore those positions as zeros, then cut the positive padding off.
    const restored = ctx.pad(g, pads.map((p) => Math.max(0, -p)));
    const starts = shape.map((_, i) => Math.max(0, pads[i]!));
    const d = ctx.slice(restored, starts, starts.map((s, i) => s + shape[i]!), shape.map((_, i) => i));
    return [d, ...node.inputs.slice(1).map(() => undefined)];
  },
};

export const gather: GradientRule = {
  staticInputs: [1],
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined, undefined];
    const x = node.inputs[0]!;
    const shape = ctx.shape(x);
    let axis = attrInt(node.attrs, "axis", 0);
    if (axis < 0) axis += shape.length;
    const dim = shape[axis]!;
    const indices = ctx.values(node.inputs[1]!).map((i) => (i < 0 ? i + dim : i));
    const k = indices.length;
    if (dim * k > 2 ** 24) throw ctx.error(`Gather of ${k} indices from ${dim} is too large for its rule`);
    const onehot = new Float64Array(dim * k);
    indices.forEach((d, j) => (onehot[d * k + j] = 1));
    const m = ctx.constant(onehot, ctx.dtype(g), [dim, k]); // Mᵀ: [D, K]
    const pre = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const post = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const g3 = ctx.reshape(g, [pre, k, post]);
    const d = ctx.op("MatMul", [m, g3], {}, ctx.dtype(g), [pre, dim, post]);
    return [ctx.reshape(d, shape), undefined];
  },
};
