import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createPrng } from "../../util/prng.ts";
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import { absMinProjection } from "./abs_min_projection.ts";
import { type Feeds, GradientRunner } from "./gradient_runner.ts";
import { lsqGradScale } from "./lsq_grad_scale.ts";
import { train, type TrainOptions } from "./train.ts";
import type { TrainParam } from "./train_checkpoint.ts";

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor("float32", data, dims);
const scalar = (v: number): TrainParam => ({ data: Float32Array.of(v), dims: [] });

/** loss = mean((x·w + b − t)²) over a batch of 16 rows of 3 features. */
async function leastSquares(): Promise<Graph> {
  const x = new Variable("x", "float32", [16, 3]);
  const t = new Variable("t", "float32", [16]);
  const w = new Variable("w", "float32", [3]);
  const b = new Variable("b", "float32", []);
  const g = new Graph({ opset: { "": 17 }, inputs: [x, t, w, b] });
  const y = g.addNode("Add", [g.addNode("MatMul", [x, w]).outputs[0]!, b]).outputs[0]!;
  const d = g.addNode("Sub", [y, t]).outputs[0]!;
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceMean", [g.addNode("Mul", [d, d]).outputs[0]!], { keepdims: attr.int(0) }, {
    outputs: [loss],
  });
  g.outputs = [loss];
  return await buildGradientGraph(g, { loss: "loss", wrt: ["w", "b"] });
}

const W_TRUE = [1, -2, 0.5];
const B_TRUE = 0.3;

/** Batch t: seeded rows and their exact targets. */
function lsBatch(t: number): Feeds {
  const prng = createPrng(1000 + t);
  const x = Float32Array.from({ length: 48 }, () => prng.normal());
  const y = Float32Array.from(
    { length: 16 },
    (_, r) => B_TRUE + W_TRUE.reduce((s, w, k) => s + w * x[r * 3 + k]!, 0),
  );
  return { x: f32(x, [16, 3]), t: f32(y, [16]) };
}

const LS_START = { w: { data: new Float32Array(3), dims: [3] }, b: scalar(0) };

Deno.test("train() converges on a small least-squares problem", async () => {
  const { params, losses } = await train({
    gradient: await leastSquares(),
    params: LS_START,
    batches: lsBatch,
    steps: 300,
    optimizer: { lr: 0.1 },
  });
  W_TRUE.forEach((w, k) => assert.ok(Math.abs(params.w!.data[k]! - w) < 1e-2, `w = ${params.w!.data}`));
  assert.ok(Math.abs(params.b!.data[0]! - B_TRUE) < 1e-2, `b = ${params.b!.data}`);
  assert.ok(losses[299]! < 1e-4 * losses[0]!, `loss ${losses[0]} → ${losses[299]}`);
  assert.deepEqual([...LS_START.w.data], [0, 0, 0], "initial params not modified");
});

/** x̂ = s·clip(⌊x/s + 0.5⌋, −8, 7) (4-bit symmetric, graph order of quantize/quantizers/fake_quant.ts); loss = mean((x̂ − x)²). */
async function lsqGraph(n: number): Promise<Graph> {
  const x = new Variable("x", "float32", [n]);
  const s = new Variable("s", "float32", []);
  const g = new Graph({ opset: { "": 17 }, inputs: [x, s] });
  const c = (name: string, v: number) => g.addConstant(name, Float32Array.of(v), []);
  const op = (type: string, ins: Tensor[]) => g.addNode(type, ins).outputs[0]!;
  const q = op("Clip", [
    op("Floor", [op("Add", [op("Div", [x, s]), c("half", 0.5)])]),
    c("lo", -8),
    c("hi", 7),
  ]);
  const d = op("Sub", [op("Mul", [q, s]), x]);
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceMean", [op("Mul", [d, d])], { keepdims: attr.int(0) }, { outputs: [loss] });
  g.outputs = [loss];
  return await buildGradientGraph(g, { loss: "loss", wrt: ["s"] });
}

function hostLsqLoss(x: Float32Array, s: number): number {
  const params = {
    kind: "uniform" as const,
    bits: 4 as const,
    symmetric: true,
    scale: Float32Array.of(s),
    zeroPoint: Float32Array.of(0),
  };
  const y = fakeQuant(x, [x.length], params);
  return y.reduce((a, v, i) => a + (v - x[i]!) ** 2, 0) / x.length;
}

Deno.test("train() learns an LSQ step size that lowers the loss and never ends above its start", async () => {
  const n = 512;
  const prng = createPrng(5);
  const x = Float32Array.from({ length: n }, () => prng.normal());
  const feeds = { x: f32(x, [n]) };
  const runner = await GradientRunner.create(await lsqGraph(n));
  // Best step by a fine grid search on the host reference quantizer (independent of the graph).
  let best = Infinity;
  for (let i = 1; i <= 1500; i++) best = Math.min(best, hostLsqLoss(x, i / 1000));
  try {
    const minMax = x.reduce((a, v) => Math.max(a, Math.abs(v)), 0) / 7;
    for (const s0 of [minMax, 0.05, 1.0]) {
      const start = await runner.run({ s: scalar(s0) }, feeds);
      const { params } = await train({
        gradient: runner,
        params: { s: scalar(s0) },
        batches: () => feeds,
        steps: 300,
        optimizer: { lr: 0.01 },
        gradScales: { s: lsqGradScale(n, 7) },
        groups: [{ params: ["s"], project: absMinProjection(1e-6) }],
      });
      const s = params.s!.data[0]!;
      const end = await runner.run(params, feeds);
      assert.ok(Math.abs(end.loss - hostLsqLoss(x, s)) <= 1e-6 * end.loss, "graph and host quantizer agree");
      assert.ok(end.loss <= start.loss, `s0 = ${s0}: loss ${start.loss} → ${end.loss}`);
      assert.ok(end.loss < 0.9 * start.loss || start.loss < 1.1 * best, `s0 = ${s0}: no progress`);
      assert.ok(end.loss < 1.1 * best, `s0 = ${s0} → s = ${s}: loss ${end.loss} vs grid best ${best}`);
    }
  } finally {
    await runner.release();
  }
});

function* lsBatches(): Generator<Feeds> {
  for (let t = 0;; t++) yield lsBatch(t);
}

Deno.test("train() resumed from a checkpoint gives the same parameters as an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const gradient = await leastSquares();
    const common: TrainOptions = {
      gradient,
      params: LS_START,
      batches: lsBatches(),
      steps: 30,
      schedule: { warmupSteps: 3 },
      optimizer: { lr: 0.05 },
    };
    const straight = await train(common);
    const path = join(dir, "run.ckpt.json");
    const stop = new Error("interrupted");
    const first = await train({
      ...common,
      batches: lsBatches(),
      checkpoint: { path, every: 7 },
      progress: (p) => {
        if (p.step === 17) throw stop;
      },
    }).catch((e) => e);
    assert.equal(first, stop);
    const resumed = await train({ ...common, batches: lsBatches(), checkpoint: { path, every: 7 } });
    assert.equal(resumed.resumedFrom, 14);
    assert.deepEqual([...resumed.params.w!.data], [...straight.params.w!.data]);
    assert.deepEqual([...resumed.params.b!.data], [...straight.params.b!.data]);
    assert.deepEqual([...resumed.losses], [...straight.losses]);
    // A finished run resumes to the end immediately with the same result.
    const again = await train({ ...common, batches: lsBatch, checkpoint: { path, every: 7 } });
    assert.equal(again.resumedFrom, 30);
    assert.deepEqual([...again.params.w!.data], [...straight.params.w!.data]);
    // A checkpoint of another run is refused.
    const e = await train({ ...common, steps: 40, checkpoint: { path, every: 7 } }).catch((e) => e);
    assert.ok(e instanceof SamqError && e.field === "checkpoint.path", String(e));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** loss = Σ x·√s (x fed), for NaN tests. */
async function sqrtGraph(): Promise<Graph> {
  const x = new Variable("x", "float32", [1]);
  const s = new Variable("s", "float32", [1]);
  const g = new Graph({ opset: { "": 17 }, inputs: [x, s] });
  const y = g.addNode("Mul", [x, g.addNode("Sqrt", [s]).outputs[0]!]).outputs[0]!;
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceSum", [y], { keepdims: attr.int(0) }, { outputs: [loss] });
  g.outputs = [loss];
  return await buildGradientGraph(g, { loss: "loss", wrt: ["s"] });
}

Deno.test("train() stops with an error naming the parameter and step on a NaN gradient or loss", async () => {
  const gradient = await sqrtGraph();
  const one = (v: number) => ({ x: f32(Float32Array.of(v), [1]) });
  const s = (v: number) => ({ s: { data: Float32Array.of(v), dims: [1] } });
  // x = 0, s = 0: loss 0·√0 = 0 but ∂/∂s = 0·(0.5/√0) = NaN.
  let e = await train({ gradient, params: s(0), batches: () => one(0), steps: 5 }).catch((e) => e);
  assert.ok(e instanceof SamqError && e.code === "invalid_argument" && e.field === "s", String(e));
  assert.match(e.message, /gradient of "s" is NaN at element 0 at step 1/);
  // x = 1, s = 1, lr 0.6 constant: Adam moves s by 0.6 per step, 1 → 0.4 → −0.2, so √s is NaN at step 3.
  e = await train({
    gradient,
    params: s(1),
    batches: () => one(1),
    steps: 5,
    optimizer: { lr: 0.6 },
    schedule: { kind: "constant" },
  })
    .catch((e) => e);
  assert.ok(e instanceof SamqError && e.field === "loss", String(e));
  assert.match(e.message, /the loss is NaN at step 3/);
});

Deno.test("train() multiplies gradients by their scale before Adam", async () => {
  // β = (0, 0) and ε = 1: the first update is lr·g/(|g| + 1), which depends on the scale of g.
  const gradient = await sqrtGraph(); // ∂/∂s at s = 1, x = 6: 6·0.5 = 3
  const run = async (gradScale: number) =>
    (await train({
      gradient,
      params: { s: { data: Float32Array.of(1), dims: [1] } },
      batches: () => ({ x: f32(Float32Array.of(6), [1]) }),
      steps: 1,
      optimizer: { lr: 0.1, betas: [0, 0], eps: 1 },
      gradScales: { s: gradScale },
    })).params.s!.data[0]!;
  assert.equal(await run(1), Math.fround(1 - 0.1 * 3 / 4));
  assert.equal(await run(0.5), Math.fround(1 - 0.1 * 1.5 / 2.5));
});

Deno.test("train() rejects bad options and exhausted batches with the field", async () => {
  const gradient = await leastSquares();
  const base: TrainOptions = { gradient, params: LS_START, batches: lsBatch, steps: 3 };
  const cases: [Partial<TrainOptions>, string][] = [
    [{ steps: 0 }, "steps"],
    [{ groups: [{ params: ["nope"] }] }, "groups[0].params"],
    [{ groups: [{ params: ["w"] }, { params: ["w"] }] }, "groups[1].params"],
    [{ groups: [{ params: ["w"], lr: -1 }] }, "groups[0].lr"],
    [{ gradScales: { w: 0 } }, "gradScales.w"],
    [{ batches: [lsBatch(0)] }, "batches"],
    [{ params: { ...LS_START, z: scalar(1) } }, "z"],
  ];
  for (const [patch, field] of cases) {
    const e = await train({ ...base, ...patch }).catch((e) => e);
    assert.ok(e instanceof SamqError && e.field === field, `${field}: ${e}`);
  }
});
