/**
 * Gradient rules for Conv and ConvTranspose (any spatial rank, groups, strides, pads, dilations).
 *
 * Conv, Y[n,m,o] = Σ_{c∈group(m), k} W[m,c,k]·Xpad[n,c,o·s + k·d] + B[m]:
 * - dX = ConvTranspose(dY, W) with the same strides, pads, dilations and groups; `output_padding` adds
 *   back the trailing input rows that the forward stride skipped.
 * - dW[m,c,k] = Σ_{n,o} dY[n,m,o]·Xpad[n,c,o·s + k·d]: a Conv whose batch is the input channels per
 *   group and whose channels are (group, sample) pairs, with dY as the kernel, stride d and dilation s.
 *   X [N, C, …] → [C/G, G·N, …]; dY [N, M, …] → kernel [M, N, …]; result [C/G, M, k′…] is cut to the
 *   kernel size k (k′ ≥ k when the forward stride left rows unused) and transposed to [M, C/G, k…].
 * - dB = Σ over batch and space of dY.
 *
 * ConvTranspose is the adjoint of Conv with the same weight: dX = Conv(dY, W) with its strides, pads,
 * dilations and groups, dW is the Conv weight gradient with the roles of input and output gradient
 * swapped (input dY, "output gradient" X), and dB as above. Only explicit pads (auto_pad NOTSET or
 * VALID, no output_shape) are supported for ConvTranspose.
 *
 * ONNX Runtime's CPU Conv and ConvTranspose are float32 only, so their gradient graphs are too.
 *
 * @module
 */
import { attr, attrInt, attrInts } from "../../ir/attribute.ts";
import type { Node } from "../../ir/node.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

/** Resolved convolution geometry (spatial rank r). */
interface ConvGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin_0 … begin_{r−1}, end_0 … end_{r−1}] */
  pads: number[];
  group: number;
}

function geometry(ctx: GradContext, node: Node, inSpatial: number[], transpose: boolean): ConvGeometry {
  const r = inSpatial.length;
  const w = ctx.shape(node.inputs[1]!);
  const kernel = attrInts(node.attrs, "kernel_shape") ?? w.slice(2);
  const strides = attrInts(node.attrs, "strides") ?? kernel.map(() => 1);
  const dilations = attrInts(node.attrs, "dilations") ?? kernel.map(() => 1);
  const group = attrInt(node.attrs, "group", 1);
  const autoPad = node.attrs.auto_pad?.type === "string" ? node.attrs.auto_pad.value : "NOTSET";
  let pads = attrInts(node.attrs, "pads") ?? new Array(2 * r).fill(0);
  if (autoPad === "VALID") pads = new Array(2 * r).fill(0);
  else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    if (transpose) {
      throw ctx.error(`ConvTranspose auto_pad "${autoPad}" has no gradient rule; use explicit pads`);
    }
    pads = new Array(2 * r).fill(0);
    for (let i = 0; i < r; i++) {
      const out = Math.ceil(inSpatial[i]! / strides[i]!);
      const total = Math.max(
        0,
        (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - inSpatial[i]!,
      );
      const small = Math.floor(total / 2);
      pads[i] = autoPad === "SAME_UPPER" ? small : total - small;
      pads[i + r] = total - pads[i]!;
    }
  } else if (autoPad !== "NOTSET") throw ctx.error(`unknown auto_pad "${autoPad}"`);
  if (transpose && node.attrs.output_shape !== undefined) {
    throw ctx.error(`ConvTranspose with output_shape has no gradient rule; use explicit pads`);
  }
  return { kernel, strides, dilations, pads, group };
}

function convAttrs(g: ConvGeometry, strides: number[], dilations: number[], pads: number[]) {
  return {
    group: attr.int(g.group),
    kernel_shape: attr.ints(g.kernel),
    strides: attr.ints(strides),
    dilations: attr.ints(dilations),
    pads: attr.ints(pads),
  };
}

/**
 * dW[m,c,k] = Σ_{n,o} dOut[n,m,o]·inPad[n,c,o·s + k·d] for a Conv from `input` [N, C, …] to `dOut`
 * [N, M, …]; returns [M, C/G, kernel…].
 */
function weightGrad(ctx: GradContext, input: Tensor, dOut: Tensor, g: ConvGeometry): Tensor {
  const [n, c, ...sp] = ctx.shape(input);
  const [, m, ...spOut] = ctx.shape(dOut);
  const r = sp.length;
  const G = g.group;
  const axes = Array.from({ length: r }, (_, i) => i + 3);
  // [N, C, …] → [N, G, C/G, …] → [C/G, G, N, …] → [C/G, G·N, …]
  let x = ctx.reshape(input, [n!, G, c! / G, ...sp]);
  x = ctx.transpose(x, [2, 1, 0, ...axes]);
  x = ctx.reshape(x, [c! / G, G * n!, ...sp]);
  const kernel = ctx.transpose(dOut, [1, 0, ...axes.map((a) => a - 1)]); // [M, N, …]
  const full = sp.map((d, i) =>
    Math.floor((d + g.pads[i]! + g.pads[i + r]! - ((spOut[i]! - 1) * g.strides[i]! + 1)) / g.dilations[i]!) +
    1
  );
  const attrs = {
    group: attr.int(G),
    kernel_shape: attr.ints(spOut),
    strides: attr.ints(g.dilations),
    dilations: attr.ints(g.strides),
    pads: attr.ints(g.pads),
  };
  let w = ctx.op("Conv", [x, kernel], attrs, ctx.dtype(dOut), [c! / G, m!, ...full]) as Tensor;
  w = ctx.slice(w, g.kernel.map(() => 0), g.kernel, g.kernel.map((_, i) => i + 2));
  return ctx.transpose(w, [1, 0, ...axes.map((a) => a - 1)]);
}

function biasGrad(ctx: GradContext, dOut: Tensor): Tensor {
  const r = ctx.rank(dOut);
  return ctx.reduceSum(dOut, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)], false);
}

export const conv: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const dy = dY[0];
    if (dy === undefined) return node.inputs.map(() => undefined);
    const [x, w] = node.inputs as [Tensor, Tensor];
    const [, , ...sp] = ctx.shape(x);
    const spOut = ctx.shape(dy).slice(2);
    const g = geometry(ctx, node, sp, false);
    let dX: Tensor | undefined;
    if (needs[0]) {
      const r = sp.length;
      const outputPadding = sp.map((d, i) =>
        d -
        (g.strides[i]! * (spOut[i]! - 1) + (g.kernel[i]! - 1) * g.dilations[i]! + 1 - g.pads[i]! -
          g.pads[i + r]!)
      );
      const attrs = {
        ...convAttrs(g, g.strides, g.dilations, g.pads),
        output_padding: attr.ints(outputPadding),
      };
      dX = ctx.op("ConvTranspose", [dy, w], attrs, ctx.dtype(dy), ctx.shape(x));
    }
    const dW = needs[1] ? weightGrad(ctx, x, dy, g) : undefined;
    const dB = needs[2] ? biasGrad(ctx, dy) : undefined;
    return [dX, dW, dB];
  },
};

export const convTranspose: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const dy = dY[0];
    if (dy === undefined) return node.inputs.map(() => undefined);
    const [x, w] = node.inputs as [Tensor, Tensor];
    const [, , ...sp] = ctx.shape(x);
    const g = geometry(ctx, node, sp, true);
    let dX: Tensor | undefined;
    if (needs[0]) {
      dX = ctx.op("Conv", [dy, w], convAttrs(g, g.strides, g.dilations, g.pads), ctx.dtype(dy), ctx.shape(x));
    }
    const dW = needs[1] ? weightGrad(ctx, dy, x, g) : undefined;
    const dB = needs[2] ? biasGrad(ctx, dy) : undefined;
    return [dX, dW, dB];
  },
};
