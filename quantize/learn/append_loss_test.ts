import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Graph } from "../../onnx/ir/graph.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createPrng } from "../../util/prng.ts";
import { adaRoundPenalty } from "./adaround.ts";
import { appendAdaRoundRegularizer, appendReconstructionLoss } from "./append_loss.ts";
import { CONTROL } from "./_names.ts";
import { ADAROUND_GAMMA, ADAROUND_ZETA } from "./parametric_quantizer.ts";
import { reconstructionError } from "./reconstruction_error.ts";

async function lossOf(g: Graph, feeds: Record<string, ort.Tensor>): Promise<number> {
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ["cpu"] });
  try {
    return Number((await s.run(feeds))[g.outputs[0]!.name]!.data[0]);
  } finally {
    await s.release();
  }
}

Deno.test("appendReconstructionLoss() equals reconstructionError() for p = 2 and 2.4, with and without Σ over dim 1", async () => {
  const r = createPrng(5);
  const rand = (n: number) => Float32Array.from({ length: n }, () => r.normal());
  const a = new Variable("a", "float32", [2, 3, 4]), b = new Variable("b", "float32", [1, 5]);
  const ya = rand(24), yb = rand(5), ta = rand(24), tb = rand(5);
  for (const [exponent, sumAxis1] of [[2, false], [2.4, true]] as const) {
    const g = new Graph({ inputs: [a, b], opset: { "": 17 } });
    const ia = g.addNode("Identity", [a], {}, { name: "ia", outputs: ["ya"] }).outputs[0]!;
    const ib = g.addNode("Identity", [b], {}, { name: "ib", outputs: ["yb"] }).outputs[0]!;
    ia.dtype = ib.dtype = "float32";
    ia.shape = [2, 3, 4];
    ib.shape = [1, 5];
    const { loss, targets } = appendReconstructionLoss(g, ["ya", "yb"], { exponent, sumAxis1, weight: 0.5 });
    g.outputs = [loss];
    const t = (d: Float32Array, dims: number[]) => new ort.Tensor("float32", d, dims);
    const got = await lossOf(g, {
      a: t(ya, [2, 3, 4]),
      b: t(yb, [1, 5]),
      [targets[0]!]: t(ta, [2, 3, 4]),
      [targets[1]!]: t(tb, [1, 5]),
    });
    const want = reconstructionError(
      { ya: t(ya, [2, 3, 4]), yb: t(yb, [1, 5]) },
      { ya: t(ta, [2, 3, 4]), yb: t(tb, [1, 5]) },
      ["ya", "yb"],
      {
        exponent,
        sumAxis1,
        weight: 0.5,
      },
    );
    // Independent check of the p = 2 case: 0.5·(mean((ya − ta)²) + mean((yb − tb)²)).
    if (!sumAxis1) {
      const mse = (x: Float32Array, y: Float32Array) =>
        x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / x.length;
      assert.ok(Math.abs(want - 0.5 * (mse(ya, ta) + mse(yb, tb))) < 1e-12);
    }
    assert.ok(Math.abs(got - want) < 1e-5 * Math.abs(want), `${got} vs ${want}`);
  }
});

Deno.test("appendAdaRoundRegularizer() adds λ·Σ(1 − |2h − 1|^β) with β and λ fed each step", async () => {
  const v = Float32Array.from([-3, -0.4, 0, 0.2, 1.5, 4]);
  const x = new Variable("v", "float32", [6]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  const sig = g.addNode("Sigmoid", [x], {}, { name: "sig" }).outputs[0]!;
  const st = g.addNode("Add", [
    g.addNode("Mul", [sig, g.addConstant("zg", Float32Array.of(ADAROUND_ZETA - ADAROUND_GAMMA), [])])
      .outputs[0]!,
    g.addConstant("g", Float32Array.of(ADAROUND_GAMMA), []),
  ]).outputs[0]!;
  const h = g.addNode(
    "Clip",
    [st, g.addConstant("lo", Float32Array.of(0), []), g.addConstant("hi", Float32Array.of(1), [])],
    {},
    { outputs: ["h"] },
  ).outputs[0]!;
  for (const t of [sig, st, h]) {
    t.dtype = "float32";
    t.shape = [6];
  }
  const { loss, targets } = appendReconstructionLoss(g, ["h"]);
  g.outputs = [appendAdaRoundRegularizer(g, loss, ["h"])];
  const f = (d: Float32Array, dims: number[]) => new ort.Tensor("float32", d, dims);
  const got = await lossOf(g, {
    v: f(v, [6]),
    [targets[0]!]: f(new Float32Array(6), [6]),
    [CONTROL.beta]: f(Float32Array.of(3), []),
    [CONTROL.regWeight]: f(Float32Array.of(0.01), []),
  });
  const hs = Array.from(v, (x) => Math.min(Math.max((1 / (1 + Math.exp(-x))) * 1.2 - 0.1, 0), 1));
  const want = hs.reduce((s, y) => s + y * y, 0) / 6 + 0.01 * adaRoundPenalty(v, 3);
  assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
});
