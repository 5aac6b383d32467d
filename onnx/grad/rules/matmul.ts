/**
 * Gradient rules for MatMul (numpy semantics: batched and broadcast, 1-D operands promoted) and Gemm.
 *
 * MatMul, Y = A·B over the last two axes: dA = dY·Bᵀ and dB = Aᵀ·dY, each summed over the batch axes its
 * operand was broadcast along. A 1-D A is treated as [1, K] and a 1-D B as [K, 1] (the inserted axis of Y
 * is restored in dY first).
 *
 * Gemm, Y = α·op(A)·op(B) + β·C with op = transpose when transA/transB: dop(A) = α·dY·op(B)ᵀ,
 * dop(B) = α·op(A)ᵀ·dY, transposed back where op transposed, and dC = β·dY summed to C's shape. Emitted as
 * MatMul + Transpose, which every opset has.
 *
 * @module
 */
import { attrInt } from "../../ir/attribute.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

/** a·b for tensors of rank ≥ 2 (batch axes broadcast); returns the product annotated with its shape. */
function matmul(ctx: GradContext, a: Tensor, b: Tensor): Tensor {
  const sa = ctx.shape(a);
  const sb = ctx.shape(b);
  const batchA = sa.slice(0, -2);
  const batchB = sb.slice(0, -2);
  const r = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = batchA[batchA.length - r + i] ?? 1;
    const y = batchB[batchB.length - r + i] ?? 1;
    batch.push(x === 1 ? y : x);
  }
  return ctx.op("MatMul", [a, b], {}, ctx.dtype(a), [...batch, sa[sa.length - 2]!, sb[sb.length - 1]!]);
}

/** `t` with its last two axes swapped. */
function swapLast(ctx: GradContext, t: Tensor): Tensor {
  const r = ctx.rank(t);
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return ctx.transpose(t, perm);
}

export const matMul: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g0 = dY[0];
    if (g0 === undefined) return [undefined, undefined];
    const [a0, b0] = node.inputs as [Tensor, Tensor];
    const sa0 = ctx.shape(a0);
    const sb0 = ctx.shape(b0);
    // Promote 1-D operands and restore the axes they removed from Y.
    const a = sa0.length === 1 ? ctx.reshape(a0, [1, sa0[0]!]) : a0;
    const b = sb0.length === 1 ? ctx.reshape(b0, [sb0[0]!, 1]) : b0;
    const sy = ctx.shape(g0);
    if (sa0.length === 1) sy.splice(sy.length - (sb0.length === 1 ? 0 : 1), 0, 1);
    if (sb0.length === 1) sy.push(1);
    const g = ctx.reshape(g0, sy);
    let dA: Tensor | undefined;
    let dB: Tensor | undefined;
    if (needs[0]) {
      const full = matmul(ctx, g, swapLast(ctx, b));
      dA = ctx.reshape(ctx.unbroadcast(full, ctx.shape(a)), sa0);
    }
    if (needs[1]) {
      const full = matmul(ctx, swapLast(ctx, a), g);
      dB = ctx.reshape(ctx.unbroadcast(full, ctx.shape(b)), sb0);
    }
    return [dA, dB];
  },
};

export const gemm: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined) return node.inputs.map(() => undefined);
    const [a, b, c] = node.inputs as [Tensor, Tensor, Tensor | undefined];
    const alpha = floatAttr(node.attrs.alpha, 1);
    const beta = floatAttr(node.attrs.beta, 1);
    const transA = attrInt(node.attrs, "transA", 0) === 1;
    const transB = attrInt(node.attrs, "transB", 0) === 1;
    const t = (x: Tensor) => ctx.transpose(x, [1, 0]);
    const opA = transA ? t(a) : a;
    const opB = transB ? t(b) : b;
    let dA: Tensor | undefined;
    let dB: Tensor | undefined;
    let dC: Tensor | undefined;
    if (needs[0]) {
      const dOpA = ctx.scale(matmul(ctx, g, t(opB)), alpha); // [M, K]
      dA = transA ? t(dOpA) : dOpA;
    }
    if (needs[1]) {
      const dOpB = ctx.scale(matmul(ctx, t(opA), g), alpha); // [K, N]
      dB = transB ? t(dOpB) : dOpB;
    }
    if (needs[2] && c !== undefined && c.name !== "") dC = ctx.unbroadcast(ctx.scale(g, beta), ctx.shape(c));
    return [dA, dB, dC];
  },
};

function floatAttr(a: { type: string; value: unknown } | undefined, fallback: number): number {
  return a?.type === "float" ? (a.value as number) : fallback;
}
