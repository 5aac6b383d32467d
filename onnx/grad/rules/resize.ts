/**
 * Gradient rule for Resize in `linear` and `nearest` modes (no antialias): the adjoint of the resize.
 *
 * Both modes are separable linear maps, Y = X ×₁ R₁ ×₂ R₂ …, one matrix R_a [out, in] per resized axis,
 * so dX = dY ×ₐ R_aᵀ for each such axis, emitted as a MatMul with a constant R_a (on the last two axes
 * without a transpose). R_a is built when building from the ONNX coordinate transform:
 *
 * | coordinate_transformation_mode | x_in for output x                                  |
 * |--------------------------------|----------------------------------------------------|
 * | half_pixel (default)           | (x + 0.5)/scale − 0.5                              |
 * | pytorch_half_pixel             | same, but 0 when out = 1                           |
 * | align_corners                  | x·(in − 1)/(out − 1), 0 when out = 1               |
 * | asymmetric                     | x/scale                                            |
 * | tf_half_pixel_for_nn           | (x + 0.5)/scale                                    |
 *
 * where scale is the `scales` input value, or out/in when `sizes` is given. Linear: x_in clamped to
 * [0, in − 1], weights 1 − f and f on ⌊x_in⌋ and ⌊x_in⌋ + 1. Nearest: one 1 at the rounded x_in per
 * `nearest_mode` (round_prefer_floor default, round_prefer_ceil, floor, ceil), clamped. Opset 10 Resize
 * (X, scales) is asymmetric. Cubic mode, antialias and tf_crop_and_resize are not supported.
 *
 * @module
 */
import { attrInt, attrInts } from "../../ir/attribute.ts";
import type { Node } from "../../ir/node.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

function stringAttr(node: Node, name: string, fallback: string): string {
  const a = node.attrs[name];
  return a?.type === "string" ? a.value : fallback;
}

/** Source coordinate of output index `x` on one axis. */
function sourceCoordinate(mode: string, x: number, inLen: number, outLen: number, scale: number): number {
  switch (mode) {
    case "half_pixel":
      return (x + 0.5) / scale - 0.5;
    case "pytorch_half_pixel":
      return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case "align_corners":
      return outLen === 1 ? 0 : (x * (inLen - 1)) / (outLen - 1);
    case "asymmetric":
      return x / scale;
    case "tf_half_pixel_for_nn":
      return (x + 0.5) / scale;
    default:
      throw new Error(mode);
  }
}

function nearestIndex(rule: string, v: number): number {
  switch (rule) {
    case "round_prefer_floor":
      return v === Math.floor(v) + 0.5 ? Math.floor(v) : Math.round(v);
    case "round_prefer_ceil":
      return Math.round(v);
    case "floor":
      return Math.floor(v);
    case "ceil":
      return Math.ceil(v);
    default:
      throw new Error(rule);
  }
}

/** The [out, in] interpolation matrix of one axis, row-major. */
function resizeMatrix(
  ctx: GradContext,
  node: Node,
  inLen: number,
  outLen: number,
  scale: number,
): Float64Array {
  const mode = stringAttr(node, "mode", "nearest");
  const coord = ctx.opset < 11
    ? "asymmetric"
    : stringAttr(node, "coordinate_transformation_mode", "half_pixel");
  const nearest = stringAttr(node, "nearest_mode", "round_prefer_floor");
  const m = new Float64Array(outLen * inLen);
  for (let x = 0; x < outLen; x++) {
    let src: number;
    try {
      src = sourceCoordinate(coord, x, inLen, outLen, scale);
    } catch {
      throw ctx.error(`Resize coordinate_transformation_mode "${coord}" has no gradient rule`);
    }
    if (mode === "nearest") {
      let i: number;
      try {
        i = nearestIndex(nearest, src);
      } catch {
        throw ctx.error(`Resize nearest_mode "${nearest}" has no gradient rule`);
      }
      m[x * inLen + Math.min(Math.max(i, 0), inLen - 1)] = 1;
    } else {
      const c = Math.min(Math.max(src, 0), inLen - 1);
      const i0 = Math.floor(c);
      const i1 = Math.min(i0 + 1, inLen - 1);
      const f = c - i0;
      m[x * inLen + i0]! += 1 - f;
      m[x * inLen + i1]! += f;
    }
  }
  return m;
}

/** Applies Rᵀ along `axis` of `g`: [.., out, ..] → [.., in, ..]. */
function applyTransposed(ctx: GradContext, g: Tensor, axis: number, r: Float64Array, inLen: number): Tensor {
  const shape = ctx.shape(g);
  const rank = shape.length;
  const outLen = shape[axis]!;
  const dtype = ctx.dtype(g);
  const result = shape.map((d, i) => (i === axis ? inLen : d));
  if (axis === rank - 1) {
    return ctx.op("MatMul", [g, ctx.constant(r, dtype, [outLen, inLen])], {}, dtype, result);
  }
  if (axis === rank - 2) {
    const rt = new Float64Array(inLen * outLen);
    for (let o = 0; o < outLen; o++) for (let i = 0; i < inLen; i++) rt[i * outLen + o] = r[o * inLen + i]!;
    return ctx.op("MatMul", [ctx.constant(rt, dtype, [inLen, outLen]), g], {}, dtype, result);
  }
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[axis] = rank - 1;
  perm[rank - 1] = axis;
  return ctx.transpose(applyTransposed(ctx, ctx.transpose(g, perm), rank - 1, r, inLen), perm);
}

export const resize: GradientRule = {
  staticInputs: [1, 2, 3],
  grad: (ctx, node, dY, needs) => {
    let g = dY[0];
    if (g === undefined || !needs[0]) return node.inputs.map(() => undefined);
    const mode = stringAttr(node, "mode", "nearest");
    if (mode !== "linear" && mode !== "nearest") {
      throw ctx.error(`Resize mode "${mode}" has no gradient rule`);
    }
    if (attrInt(node.attrs, "antialias", 0) !== 0) {
      throw ctx.error(`Resize with antialias has no gradient rule`);
    }
    if (attrInts(node.attrs, "axes") !== undefined) {
      throw ctx.error(`Resize with "axes" has no gradient rule`);
    }
    const inShape = ctx.shape(node.inputs[0]!);
    const outShape = ctx.shape(node.outputs[0]!);
    const scalesIn = ctx.opset < 11 ? node.inputs[1] : node.inputs[2];
    const scales = scalesIn !== undefined && scalesIn.name !== "" ? ctx.values(scalesIn) : [];
    inShape.forEach((inLen, axis) => {
      const outLen = outShape[axis]!;
      const scale = scales.length > 0 ? scales[axis]! : outLen / inLen;
      if (inLen === outLen && scale === 1) return;
      g = applyTransposed(ctx, g!, axis, resizeMatrix(ctx, node, inLen, outLen, scale), inLen);
    });
    return [g, ...node.inputs.slice(1).map(() => undefined)];
  },
};
