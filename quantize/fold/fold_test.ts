import assert from "node:assert/strict";
import { createPrng, type Prng } from "../../util/prng.ts";
import { SamqError } from "../../util/errors.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { channelMeanSigns } from "./channel_mean_signs.ts";
import { foldLayerNorm } from "./fold_layer_norm.ts";
import { foldLinearInput, type LinearLayout } from "./fold_linear_input.ts";
import { foldOutputSigns } from "./fold_output_signs.ts";
import { repqReparameterize } from "./repq_reparameterize.ts";

// --- tiny float64 references -------------------------------------------------------------------------

function randn(n: number, r: Prng, sd = 1, mean = 0): Float32Array {
  return Float32Array.from({ length: n }, () => mean + sd * r.normal());
}

/** LayerNorm over the last axis of x [rows, C] (eps 1e-6). */
function layerNorm(x: Float32Array, rows: number, C: number, g: ArrayLike<number>, b: ArrayLike<number>) {
  const y = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    let m = 0, v = 0;
    for (let c = 0; c < C; c++) m += x[r * C + c]!;
    m /= C;
    for (let c = 0; c < C; c++) v += (x[r * C + c]! - m) ** 2;
    const inv = 1 / Math.sqrt(v / C + 1e-6);
    for (let c = 0; c < C; c++) y[r * C + c] = g[c]! * (x[r * C + c]! - m) * inv + b[c]!;
  }
  return y;
}

/** Gemm-style Linear: α·x·W + β·bias, W in `layout`. */
function linear(
  x: ArrayLike<number>,
  rows: number,
  I: number,
  O: number,
  w: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  layout: LinearLayout,
  alpha = 1,
  beta = 1,
) {
  const y = new Float64Array(rows * O);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < O; j++) {
      let s = 0;
      for (let c = 0; c < I; c++) s += x[r * I + c]! * w[layout === "in-out" ? c * O + j : j * I + c]!;
      y[r * O + j] = alpha * s + beta * (bias === undefined ? 0 : bias[j]!);
    }
  }
  return y;
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number) {
  assert.equal(a.length, b.length);
  let maxRef = 0, maxErr = 0;
  for (let i = 0; i < a.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(b[i]!));
    maxErr = Math.max(maxErr, Math.abs(a[i]! - b[i]!));
  }
  assert.ok(maxErr <= rtol * maxRef, `max error ${maxErr} > ${rtol}·${maxRef}`);
}

// --- tests ---------------------------------------------------------------------------------------------

Deno.test("foldLayerNorm() and foldLinearInput() leave LN → Linear unchanged for both layouts", () => {
  const r = createPrng(1);
  const rows = 17, C = 24, O = 10;
  const x = randn(rows * C, r, 3);
  const g = randn(C, r, 0.5, 1), b = randn(C, r, 0.2);
  const v = randn(C, r, 2), s = Float64Array.from({ length: C }, () => 0.5 + 4 * r.next());
  for (const layout of ["in-out", "out-in"] as const) {
    const w = randn(C * O, r, 0.1), bias = randn(O, r, 0.1);
    const ref = linear(layerNorm(x, rows, C, g, b), rows, C, O, w, bias, layout);
    const ln = foldLayerNorm(g, b, v, s);
    const lin = foldLinearInput({ weight: w, bias, dims: { in: C, out: O }, layout }, v, s);
    const got = linear(layerNorm(x, rows, C, ln.gamma, ln.beta), rows, C, O, lin.weight, lin.bias, layout);
    assertClose(got, ref, 1e-5);
  }
});

Deno.test("foldLinearInput() folds into a Gemm with α, β and into a bias-less MatMul", () => {
  const r = createPrng(2);
  const rows = 5, I = 8, O = 6;
  const x = randn(rows * I, r);
  const v = randn(I, r), s = Float64Array.from({ length: I }, () => 1 + r.next());
  const xt = x.map((xi, k) => (xi - v[k % I]!) / s[k % I]!);
  const w = randn(I * O, r), c = randn(O, r);
  const ref = linear(x, rows, I, O, w, c, "out-in", 0.7, 2);
  const f = foldLinearInput(
    { weight: w, bias: c, dims: { in: I, out: O }, layout: "out-in", alpha: 0.7, beta: 2 },
    v,
    s,
  );
  assertClose(linear(xt, rows, I, O, f.weight, f.bias, "out-in", 0.7, 2), ref, 1e-5);
  const g = foldLinearInput({ weight: w, dims: { in: I, out: O }, layout: "in-out" }, v, s);
  assert.ok(g.biasNeeded);
  assertClose(
    linear(xt, rows, I, O, g.weight, g.bias, "in-out"),
    linear(x, rows, I, O, w, undefined, "in-out"),
    1e-5,
  );
  const zero = foldLinearInput(
    { weight: w, dims: { in: I, out: O }, layout: "in-out" },
    new Float64Array(I),
    s,
  );
  assert.ok(!zero.biasNeeded);
  assert.throws(
    () => foldLinearInput({ weight: w, dims: { in: I, out: O }, layout: "out-in", beta: 0 }, v, s),
    (e: unknown) => e instanceof SamqError && e.code === "incompatible" && e.field === "beta",
  );
});

Deno.test("repqReparameterize() matches the RepQ-ViT formulas and folds exactly", () => {
  const p = repqReparameterize([0.1, 0.3], [10, 20]);
  assert.equal(p.scale, Math.fround(0.2));
  assert.equal(p.zeroPoint, 15);
  assert.ok(Math.abs(p.r[0]! - 0.1 / Math.fround(0.2)) < 1e-12);
  // b_0 = m_0/r_0 − m̃ = (−1)/r_0 + 15·Δ̃
  assert.ok(Math.abs(p.b[0]! - (-1 / p.r[0]! + 15 * p.scale)) < 1e-12);
  const q = repqReparameterize([0.1, 0.3], [10, 21], { roundZeroPoint: false });
  assert.equal(q.zeroPoint, 15.5);

  const r = createPrng(3);
  const rows = 9, C = 16, O = 7;
  const x = randn(rows * C, r, 2);
  const g = randn(C, r, 1, 1), b = randn(C, r, 0.5);
  const w = randn(C * O, r, 0.2), bias = randn(O, r, 0.1);
  const rep = repqReparameterize(
    randn(C, r, 0.01, 0.05).map(Math.abs),
    Float64Array.from({ length: C }, (_, c) => c * 7 % 255),
  );
  const ln = foldLayerNorm(g, b, rep.shift, rep.channelScale);
  const lin = foldLinearInput(
    { weight: w, bias, dims: { in: C, out: O }, layout: "in-out" },
    rep.shift,
    rep.channelScale,
  );
  const ref = linear(layerNorm(x, rows, C, g, b), rows, C, O, w, bias, "in-out");
  assertClose(
    linear(layerNorm(x, rows, C, ln.gamma, ln.beta), rows, C, O, lin.weight, lin.bias, "in-out"),
    ref,
    1e-5,
  );
  // β' = β/r − b, as in the spec.
  for (let c = 0; c < C; c++) assert.ok(Math.abs(ln.beta[c]! - (b[c]! / rep.r[c]! - rep.b[c]!)) < 1e-4);
});

Deno.test("repqReparameterize() maps the per-tensor grid of x' back onto each channel's grid", () => {
  const r = createPrng(4);
  const rows = 400, C = 6;
  const sd = [0.5, 1, 2, 4, 8, 0.25];
  const y = Float32Array.from({ length: rows * C }, (_, k) => sd[k % C]! * r.normal() + k % C);
  const lo = new Float64Array(C).fill(Infinity), hi = new Float64Array(C).fill(-Infinity);
  y.forEach((v, k) => (lo[k % C] = Math.min(lo[k % C]!, v), hi[k % C] = Math.max(hi[k % C]!, v)));
  const pc = uniformParamsFromRange(lo, hi, { bits: 4, axis: 1 });
  const rep = repqReparameterize(pc.scale, pc.zeroPoint);
  const yPrime = y.map((v, k) => (v - rep.shift[k % C]!) / rep.channelScale[k % C]!);
  const pt = uniformParamsFromRange([0], [1], { bits: 4 });
  pt.scale[0] = rep.scale;
  pt.zeroPoint[0] = rep.zeroPoint;
  const back = fakeQuant(yPrime, [rows, C], pt).map((v, k) =>
    v * rep.channelScale[k % C]! + rep.shift[k % C]!
  );
  const direct = fakeQuant(y, [rows, C], pc);
  let mismatches = 0;
  back.forEach((v, k) => {
    if (Math.abs(v - direct[k]!) > 1e-3 * pc.scale[k % C]!) mismatches++;
  });
  assert.ok(mismatches <= 2, `${mismatches} mismatches (only float ties may differ)`);
});

Deno.test("channelMeanSigns() and foldOutputSigns() keep q·kᵀ unchanged and make K's means positive", () => {
  const r = createPrng(5);
  const rows = 12, I = 5, O = 8;
  const xq = randn(rows * I, r), xk = randn(rows * I, r);
  for (const layout of ["in-out", "out-in"] as const) {
    const wq = randn(I * O, r), bq = randn(O, r), wk = randn(I * O, r), bk = randn(O, r, 3);
    const k = linear(xk, rows, I, O, wk, bk, layout);
    const gamma = channelMeanSigns(Float32Array.from(k), { rows, channels: O });
    const fq = foldOutputSigns(wq, bq, { in: I, out: O }, layout, gamma);
    const fk = foldOutputSigns(wk, bk, { in: I, out: O }, layout, gamma);
    const q = linear(xq, rows, I, O, wq, bq, layout);
    const q2 = linear(xq, rows, I, O, fq.weight, fq.bias, layout);
    const k2 = linear(xk, rows, I, O, fk.weight, fk.bias, layout);
    const scores = (a: Float64Array, b: Float64Array) => {
      const s = new Float64Array(rows * rows);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < rows; j++) {
          for (let c = 0; c < O; c++) s[i * rows + j] = s[i * rows + j]! + a[i * O + c]! * b[j * O + c]!;
        }
      }
      return s;
    };
    assertClose(scores(q2, k2), scores(q, k), 1e-6);
    for (let c = 0; c < O; c++) {
      let m = 0;
      for (let i = 0; i < rows; i++) m += k2[i * O + c]!;
      assert.ok(m >= 0);
    }
  }
});
