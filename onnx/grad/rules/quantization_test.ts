import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { attr } from "../../ir/attribute.ts";
import { Graph } from "../../ir/graph.ts";
import { type Tensor, Variable } from "../../ir/tensor.ts";
import { encodeModel } from "../../io/write_model.ts";
import { gradCheck } from "../_testing.ts";
import { buildGradientGraph } from "../build_gradient_graph.ts";

for (const op of ["Round", "Floor", "Ceil"]) {
  Deno.test(`${op} rule is the straight-through estimator (gradient of the identity surrogate)`, async () => {
    const r = await gradCheck({
      dtype: "float64",
      inputs: { x: { dims: [2, 3], lo: -3, hi: 3 } },
      // op(4x) with the STE has the gradient of 4x, the rounding-free surrogate
      build: (g, x) =>
        g.addNode(op, [g.addNode("Mul", [x.x!, g.addConstant("k", Float64Array.of(4), [])]).outputs[0]!])
          .outputs[0]!,
      reference: (g, x) => g.addNode("Mul", [x.x!, g.addConstant("k", Float64Array.of(4), [])]).outputs[0]!,
    });
    if (r.checked !== 6) throw new Error("expected 6 elements");
  });
}

Deno.test("Clip rule passes the gradient only inside the range (input bounds)", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: {
      x: { dims: [3, 4], lo: -2, hi: 2 },
      lo: { dims: [], values: [-0.7] },
      hi: { dims: [], values: [0.9] },
    },
    build: (g, x) => g.addNode("Clip", [x.x!, x.lo!, x.hi!]).outputs[0]!,
  });
});

Deno.test("Clip rule uses attribute bounds before opset 11 and one-sided bounds", async () => {
  await gradCheck({
    dtype: "float32", // Clip-6 has no float64 kernel
    opset: 10,
    inputs: { x: { dims: [3, 4], lo: -2, hi: 2 } },
    build: (g, x) => g.addNode("Clip", [x.x!], { min: attr.float(-0.5), max: attr.float(0.75) }).outputs[0]!,
  });
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [3, 4], lo: -2, hi: 2 }, hi: { dims: [], values: [0.3] } },
    build: (g, x) => g.addNode("Clip", [x.x!, undefined, x.hi!]).outputs[0]!,
  });
});

Deno.test("Clip rule is zero outside and one inside, inclusive of the bounds", async () => {
  const r = await gradCheck({
    dtype: "float64",
    inputs: {
      x: { dims: [5], values: [-2, -1, 0, 1, 2] },
      lo: { dims: [], values: [-1], wrt: false },
      hi: { dims: [], values: [1], wrt: false },
    },
    build: (g, x) => g.addNode("Clip", [x.x!, x.lo!, x.hi!]).outputs[0]!,
    // at the bounds themselves the two-sided difference is 1/2; compare with an inclusive surrogate
    reference: (g, x) => {
      const mask = g.addConstant("m", Float64Array.of(0, 1, 1, 1, 0), [5]);
      return g.addNode("Mul", [x.x!, mask]).outputs[0]!;
    },
  });
  if (r.analytic.x!.some((v, i) => (i === 0 || i === 4) !== (v === 0))) throw new Error("mask wrong");
});

Deno.test("Rule chain of a uniform fake quantizer gives the LSQ step gradient by hand", async () => {
  // x̂ = s·clip(⌊x/s + 0.5⌋, 0, 15) with STE: ∂x̂/∂s = ⌊x/s⌉ − x/s inside, 15 above, 0 below (spec §6).
  const xs = [-0.3, 0.11, 0.52, 0.97, 1.44, 3.9];
  const s = 0.1;
  const g = new Graph({ opset: { "": 17 } });
  const x = new Variable("x", "float64", [6]);
  const sv = new Variable("s", "float64", []);
  g.inputs = [x, sv];
  const y = fakeQuant(g, x, sv);
  const loss = new Variable("loss", "float64", []);
  g.addNode("ReduceSum", [y], { keepdims: attr.int(0) }, { outputs: [loss] });
  g.outputs = [loss];
  const grad = await buildGradientGraph(g, { loss: "loss", wrt: ["s"] });
  const session = await ort.InferenceSession.create(encodeModel(grad));
  const out = await session.run({
    x: new ort.Tensor("float64", Float64Array.from(xs), [6]),
    s: new ort.Tensor("float64", Float64Array.of(s), []),
  });
  await session.release();
  const expected = xs.reduce((acc, v) => {
    const u = v / s;
    const q = Math.floor(u + 0.5);
    return acc + (q < 0 ? 0 : q > 15 ? 15 : q - u);
  }, 0);
  assert.ok(
    Math.abs(Number(out["grad/s"]!.data[0]) - expected) < 1e-9,
    `${out["grad/s"]!.data[0]} vs ${expected}`,
  );
});

function fakeQuant(g: Graph, x: Tensor, s: Tensor): Tensor {
  const u = g.addNode("Div", [x, s]).outputs[0]!;
  const h = g.addNode("Add", [u, g.addConstant("half", Float64Array.of(0.5), [])]).outputs[0]!;
  const r = g.addNode("Floor", [h]).outputs[0]!;
  const lo = g.addConstant("lo", Float64Array.of(0), []);
  const hi = g.addConstant("hi", Float64Array.of(15), []);
  const q = g.addNode("Clip", [r, lo, hi]).outputs[0]!;
  return g.addNode("Mul", [q, s]).outputs[0]!;
}
