import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { createPrng } from "../../util/prng.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { adaRoundHard, adaRoundInit, adaRoundPenalty, adaRoundRegularizer } from "./adaround.ts";
import {
  emitAdaRoundWeight,
  emitDrop,
  emitParametricLog,
  emitParametricUniform,
} from "./parametric_quantizer.ts";

const N = 64;

/** x (input) → quantizer(params as inputs) → loss = Σ g ⊙ x̂ (g fixed weights); returns the session pieces. */
async function run(
  build: (g: Graph, x: Variable) => { y: Tensor; inputs: Variable[] },
  feeds: Record<string, ort.Tensor>,
  wrt: string[],
): Promise<Record<string, Float32Array>> {
  const x = new Variable("x", "float32", [N]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  const { y, inputs } = build(g, x);
  g.inputs.push(...inputs);
  const w = g.addConstant("g", Float32Array.from({ length: N }, (_, i) => 1 + (i % 5) * 0.25), [N]);
  const loss = g.addNode("ReduceSum", [g.addNode("Mul", [y, w]).outputs[0]!], { keepdims: attr.int(0) }, {
    outputs: ["loss"],
  }).outputs[0]!;
  loss.dtype = "float32";
  loss.shape = [];
  g.outputs = [loss, y];
  g.toposort();
  const grad = await buildGradientGraph(g, { loss: "loss", wrt, keepOutputs: [y.name], feeds });
  const s = await ort.InferenceSession.create(encodeModel(grad), { executionProviders: ["cpu"] });
  try {
    const out = await s.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k === y.name ? "y" : k, v.data as Float32Array]),
    );
  } finally {
    await s.release();
  }
}

const weightOf = (i: number) => 1 + (i % 5) * 0.25;
const scalar = (v: number) => new ort.Tensor("float32", Float32Array.of(v), []);

function inputs(seed: number, step: number): Float32Array {
  const r = createPrng(seed);
  const x = Float32Array.from({ length: N }, () => r.normal() * 1.5 + 0.3);
  x[0] = -40; // below the range
  x[1] = 40; // above
  x[2] = Math.fround(2.5 * step); // an exact tie of x/Δ
  return x;
}

Deno.test("emitParametricUniform() gives LSQ's step gradient when Δ is a graph input (spec §6)", async () => {
  const step = 0.25, z = 7, bits = 4;
  const x = inputs(1, step);
  const out = await run(
    (g, xv) => {
      const d = new Variable("step", "float32", []);
      const y = emitParametricUniform(g, xv, {
        bits,
        symmetric: false,
        step: d,
        zero: g.addConstant("z", Float32Array.of(z), []),
      }, "q");
      return { y, inputs: [d] };
    },
    { x: new ort.Tensor("float32", x, [N]), step: scalar(step) },
    ["step"],
  );
  // LSQ (spec §6), zero-point form: ∂x̂/∂Δ = ⌊x/Δ⌉ − x/Δ inside, qmin − z below, qmax − z above.
  let want = 0;
  for (let i = 0; i < N; i++) {
    const u = Math.fround(x[i]! / step);
    const r = Math.floor(u + 0.5);
    const q = r + z;
    const d = q < 0 ? 0 - z : q > 15 ? 15 - z : r - u;
    want += weightOf(i) * d;
  }
  assert.ok(
    Math.abs(out["grad/step"]![0]! - want) < 1e-3 * Math.max(1, Math.abs(want)),
    `${out["grad/step"]![0]} vs ${want}`,
  );
  // The forward is the evaluation quantizer, bit for bit.
  const params: UniformQuantizerParams = {
    kind: "uniform",
    bits,
    symmetric: false,
    scale: Float32Array.of(step),
    zeroPoint: Float32Array.of(z),
  };
  assert.deepEqual(out.y, fakeQuant(x, [N], params));
});

Deno.test("emitParametricUniform() gives LSQ+'s offset gradient (0 inside, −Δ outside) when z is learned", async () => {
  const step = 0.5, z = 6.3, bits = 4;
  const x = inputs(2, step);
  const out = await run(
    (g, xv) => {
      const d = new Variable("step", "float32", []);
      const zv = new Variable("zero", "float32", []);
      return {
        y: emitParametricUniform(g, xv, { bits, symmetric: false, step: d, zero: zv, learnZero: true }, "q"),
        inputs: [d, zv],
      };
    },
    { x: new ort.Tensor("float32", x, [N]), step: scalar(step), zero: scalar(z) },
    ["step", "zero"],
  );
  let want = 0;
  for (let i = 0; i < N; i++) {
    const q = Math.floor(Math.fround(x[i]! / step) + 0.5) + Math.floor(z + 0.5);
    if (q < 0 || q > 15) want += weightOf(i) * -step;
  }
  assert.ok(Math.abs(out["grad/zero"]![0]! - want) < 1e-4, `${out["grad/zero"]![0]} vs ${want}`);
  assert.ok(want !== 0);
});

Deno.test("emitAdaRoundWeight() equals W at the initial V and the hard rounding at V = ±20", async () => {
  const r = createPrng(3);
  const w = Float32Array.from({ length: N }, () => r.normal() * 0.2);
  const p: UniformQuantizerParams = {
    kind: "uniform",
    bits: 4,
    symmetric: false,
    scale: Float32Array.of(0.05),
    zeroPoint: Float32Array.of(8),
  };
  const init = adaRoundInit(w, [N], p);
  const forward = async (v: Float32Array) =>
    (await run(
      (g, xv) => {
        const res = emitAdaRoundWeight(g, {
          bits: 4,
          symmetric: false,
          floor: g.addConstant("floor", init.floor, [N]),
          step: g.addConstant("step", p.scale, []),
          zero: g.addConstant("z", p.zeroPoint, []),
          v: xv,
        }, "w");
        return { y: res.weight, inputs: [] };
      },
      { x: new ort.Tensor("float32", v, [N]) },
      ["x"],
    )).y!;
  const soft = await forward(init.v);
  for (let i = 0; i < N; i++) {
    const inRange = w[i]! / 0.05 + 8 >= 0 && w[i]! / 0.05 + 8 <= 15;
    if (inRange) assert.ok(Math.abs(soft[i]! - w[i]!) < 1e-5, `${soft[i]} vs ${w[i]}`);
  }
  const hardV = Float32Array.from(init.v, (v) => (v >= 0 ? 20 : -20));
  assert.deepEqual(await forward(hardV), adaRoundHard(init.floor, init.v, [N], p));
  // Initial V rounds like the evaluation quantizer (half up).
  assert.deepEqual(adaRoundHard(init.floor, init.v, [N], p), fakeQuant(w, [N], p));
});

Deno.test("adaRoundRegularizer() is off during the warm-up, then decays β linearly from 20 to 2", () => {
  const s = { weight: 0.01, warmup: 0.2, betaStart: 20, betaEnd: 2 };
  assert.deepEqual(adaRoundRegularizer(s, 0, 100), { beta: 20, weight: 0 });
  assert.deepEqual(adaRoundRegularizer(s, 19, 100), { beta: 20, weight: 0 });
  assert.deepEqual(adaRoundRegularizer(s, 20, 100), { beta: 20, weight: 0.01 });
  assert.ok(Math.abs(adaRoundRegularizer(s, 60, 100).beta - 11) < 1e-9);
  assert.ok(adaRoundPenalty([20, -20], 2) < 1e-6);
  assert.ok(Math.abs(adaRoundPenalty([0], 2) - 1) < 1e-9);
});

Deno.test("emitParametricLog() matches the log quantizer and keeps ∂/∂s finite when A has zeros", async () => {
  const r = createPrng(4);
  const a = Float32Array.from({ length: N }, () => r.next() ** 3);
  a[0] = 0;
  a[1] = 0.99; // above s
  const s = Math.fround(0.8);
  const out = await run(
    (g, xv) => {
      const sv = new Variable("s", "float32", []);
      return { y: emitParametricLog(g, xv, { bits: 4, tau: 2, scale: sv }, "log"), inputs: [sv] };
    },
    { x: new ort.Tensor("float32", a, [N]), s: scalar(s) },
    ["s"],
  );
  const ref = fakeQuant(a, [N], { kind: "log", bits: 4, tau: 2, scale: s });
  for (let i = 0; i < N; i++) {
    assert.ok(Math.abs(out.y![i]! - ref[i]!) <= 1e-6 * Math.max(ref[i]!, 1e-3), `${i}`);
  }
  assert.ok(Number.isFinite(out["grad/s"]![0]!));
  // Only saturated values (code k < 0, Â = s) contribute: the level s·2^{−q/τ} has a zero STE gradient
  // inside the grid (∂(s·2^{−q/τ})/∂s = 2^{−q/τ} − 2^{−q/τ}).
  let want = 0;
  for (let i = 0; i < N; i++) {
    if (a[i]! > 0 && Math.floor(-2 * Math.log2(a[i]! / s) + 0.5) < 0) want += weightOf(i);
  }
  assert.ok(want >= weightOf(1));
  assert.ok(Math.abs(out["grad/s"]![0]! - want) < 1e-4, `${out["grad/s"]![0]} vs ${want}`);
});

Deno.test("emitDrop() keeps every element quantized at p = 1 and none at p = 0", async () => {
  const x = inputs(5, 0.25);
  const forward = async (p: number) =>
    (await run(
      (g, xv) => {
        const d = new Variable("step", "float32", []);
        const pv = new Variable("p", "float32", []);
        const q = emitParametricUniform(g, xv, {
          bits: 4,
          symmetric: false,
          step: d,
          zero: g.addConstant("z", Float32Array.of(8), []),
        }, "q");
        return { y: emitDrop(g, xv, q, pv, 17, "drop"), inputs: [d, pv] };
      },
      { x: new ort.Tensor("float32", x, [N]), step: scalar(0.25), p: scalar(p) },
      ["step"],
    )).y!;
  const params: UniformQuantizerParams = {
    kind: "uniform",
    bits: 4,
    symmetric: false,
    scale: Float32Array.of(0.25),
    zeroPoint: Float32Array.of(8),
  };
  assert.deepEqual(await forward(1), fakeQuant(x, [N], params));
  assert.deepEqual(await forward(0), x);
  const half = await forward(0.5);
  const kept = half.filter((v, i) => v === x[i] && v !== fakeQuant(x, [N], params)[i]).length;
  assert.ok(kept > 10 && kept < 54, `${kept}`);
});
