import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { REPO_ROOT } from "../../util/paths.ts";
import { createPrng } from "../../util/prng.ts";
import { attr } from "../ir/attribute.ts";
import { Graph } from "../ir/graph.ts";
import { Constant, Variable } from "../ir/tensor.ts";
import { readModel } from "../io/read_model.ts";
import { encodeModel } from "../io/write_model.ts";
import { buildGradientGraph } from "./build_gradient_graph.ts";
import { gradCheck } from "./_testing.ts";

/** y = x·W + b with W an initializer, loss = Σ y² (float64). */
function linearGraph(): Graph {
  const x = new Variable("x", "float64", [2, 3]);
  const g = new Graph({ opset: { "": 17 }, inputs: [x] });
  const w = Constant.of("W", Float64Array.of(0.5, -1, 2, 0.25, 1.5, -0.75), [3, 2]);
  const b = Constant.of("b", Float64Array.of(0.1, -0.2), [2]);
  const y = g.addNode("Add", [g.addNode("MatMul", [x, w]).outputs[0]!, b], {}, { outputs: ["y"] })
    .outputs[0]!;
  const sq = g.addNode("Mul", [y, y]).outputs[0]!;
  const loss = new Variable("loss", "float64", []);
  g.addNode("ReduceSum", [sq], { keepdims: attr.int(0) }, { outputs: [loss] });
  g.outputs = [loss];
  return g;
}

const X = Float64Array.of(1, 2, 3, -1, 0.5, 2);

async function run(
  graph: Graph,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const s = await ort.InferenceSession.create(encodeModel(graph));
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

Deno.test("buildGradientGraph() promotes initializers to inputs and matches hand-computed gradients", async () => {
  const forward = linearGraph();
  const before = forward.nodes.length;
  const grad = await buildGradientGraph(forward, { loss: "loss", wrt: ["W", "b"], keepOutputs: ["y"] });
  assert.equal(forward.nodes.length, before, "forward graph unchanged");
  assert.deepEqual(grad.outputs.map((t) => t.name), ["loss", "grad/W", "grad/b", "y"]);
  assert.deepEqual(grad.inputs.map((t) => t.name), ["x", "W", "b"]);
  const W = [0.5, -1, 2, 0.25, 1.5, -0.75];
  const b = [0.1, -0.2];
  const out = await run(grad, {
    x: new ort.Tensor("float64", X, [2, 3]),
    W: new ort.Tensor("float64", Float64Array.from(W), [3, 2]),
    b: new ort.Tensor("float64", Float64Array.from(b), [2]),
  });
  // Hand computation: y = xW + b, dL/dy = 2y, dL/dW = xᵀ·2y, dL/db = Σ_rows 2y.
  const y = [0, 1].map((r) =>
    [0, 1].map((c) => b[c]! + [0, 1, 2].reduce((s, k) => s + X[r * 3 + k]! * W[k * 2 + c]!, 0))
  );
  const dW = [0, 1, 2].flatMap((k) =>
    [0, 1].map((c) => [0, 1].reduce((s, r) => s + X[r * 3 + k]! * 2 * y[r]![c]!, 0))
  );
  const db = [0, 1].map((c) => 2 * (y[0]![c]! + y[1]![c]!));
  const close = (a: ArrayLike<unknown>, e: number[]) =>
    e.forEach((v, i) => assert.ok(Math.abs(Number(a[i]) - v) < 1e-12));
  close(out["grad/W"]!.data as Float64Array, dW);
  close(out["grad/b"]!.data as Float64Array, db);
  close(out["y"]!.data as Float64Array, y.flat());
  close(out["loss"]!.data as Float64Array, [y.flat().reduce((s, v) => s + v * v, 0)]);
});

Deno.test("buildGradientGraph() names the node of an op without a rule", async () => {
  const x = new Variable("x", "float32", [4]);
  const g = new Graph({ opset: { "": 17 }, inputs: [x] });
  const h = g.addNode("HardSwish", [x], {}, { name: "act/hswish" }).outputs[0]!;
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceSum", [h], { keepdims: attr.int(0) }, { outputs: [loss] });
  g.outputs = [loss];
  const e = await buildGradientGraph(g, { loss: "loss", wrt: ["x"] }).catch((e) => e);
  assert.ok(e instanceof SamqError);
  assert.equal(e.code, "invalid_model");
  assert.equal(e.field, "act/hswish");
  assert.match(e.message, /HardSwish node "act\/hswish".*no gradient rule/);
});

Deno.test("buildGradientGraph() rejects bad loss and parameter names with the field", async () => {
  const g = linearGraph();
  const cases: [Parameters<typeof buildGradientGraph>[1], string, RegExp][] = [
    [{ loss: "nope", wrt: ["W"] }, "nope", /loss "nope" is not a tensor/],
    [{ loss: "y", wrt: ["W"] }, "y", /must have one element/],
    [{ loss: "loss", wrt: ["y"] }, "y", /computed by a node/],
    [{ loss: "loss", wrt: ["missing"] }, "missing", /not a tensor/],
  ];
  for (const [options, field, message] of cases) {
    const e = await buildGradientGraph(g, options).catch((e) => e);
    assert.ok(e instanceof SamqError, String(e));
    assert.equal(e.code, "invalid_argument");
    assert.equal(e.field, field);
    assert.match(e.message, message);
  }
});

Deno.test("buildGradientGraph() rejects a parameter the loss does not depend on", async () => {
  const g = linearGraph();
  const unused = new Variable("unused", "float64", [2]);
  g.inputs.push(unused);
  const e = await buildGradientGraph(g, { loss: "loss", wrt: ["W", "unused"] }).catch((e) => e);
  assert.ok(e instanceof SamqError);
  assert.equal(e.field, "unused");
  assert.match(e.message, /does not depend on parameter "unused"/);
});

Deno.test("buildGradientGraph() captures dynamic shapes from the given feeds", async () => {
  // Input with a symbolic batch axis: shapes come from one forward run with the feeds.
  const x = new Variable("x", "float64", ["batch", 3]);
  const s = new Variable("s", "float64", []);
  const g = new Graph({ opset: { "": 17 }, inputs: [x, s] });
  const m = g.addNode("Mul", [x, s]).outputs[0]!;
  const e = g.addNode("ReduceMean", [m], { axes: attr.ints([0]), keepdims: attr.int(0) }).outputs[0]!;
  const loss = new Variable("loss", "float64");
  g.addNode("ReduceSum", [g.addNode("Mul", [e, e]).outputs[0]!], { keepdims: attr.int(0) }, {
    outputs: [loss],
  });
  g.outputs = [loss];
  const xs = new ort.Tensor("float64", X, [2, 3]);
  const grad = await buildGradientGraph(g, {
    loss: "loss",
    wrt: ["s"],
    feeds: { x: xs, s: new ort.Tensor("float64", Float64Array.of(2), []) },
  });
  const out = await run(grad, { x: xs, s: new ort.Tensor("float64", Float64Array.of(2), []) });
  // L = Σ_c (s·mean_c)² → dL/ds = 2s·Σ mean_c²
  const means = [0, 1, 2].map((c) => (X[c]! + X[3 + c]!) / 2);
  assert.ok(Math.abs(Number(out["grad/s"]!.data[0]) - 4 * means.reduce((a, v) => a + v * v, 0)) < 1e-12);
});

Deno.test("buildGradientGraph() refuses pads that depend on input data", async () => {
  const x = new Variable("x", "float32", [4]);
  const p = new Variable("p", "int64", [2]);
  const g = new Graph({ opset: { "": 17 }, inputs: [x, p] });
  const pad = g.addNode("Pad", [x, p], {}, { name: "pad" }).outputs[0]!;
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceSum", [pad], { keepdims: attr.int(0) }, { outputs: [loss] });
  g.outputs = [loss];
  const e = await buildGradientGraph(g, { loss: "loss", wrt: ["x"] }).catch((e) => e);
  assert.ok(e instanceof SamqError);
  assert.equal(e.field, "pad");
  assert.match(e.message, /depends on input data/);
});

Deno.test("buildGradientGraph() sums the contributions of a tensor read by several nodes", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 3] }, w: { dims: [3, 3] } },
    build: (g, x) => {
      const a = g.addNode("MatMul", [x.x!, x.w!]).outputs[0]!;
      const b = g.addNode("Tanh", [x.x!]).outputs[0]!;
      const c = g.addNode("Mul", [a, b]).outputs[0]!;
      const d = g.addNode("Softmax", [c]).outputs[0]!;
      return g.addNode("Add", [d, x.x!]).outputs[0]!;
    },
  });
});

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official/encoder.onnx");

Deno.test("buildGradientGraph() differentiates the tiny ViT-SAM encoder (conv, LN, rel-pos einsum, resize)", async () => {
  const model = await readModel(TINY);
  const g = model.graph;
  const prng = createPrng(7);
  const image = Float32Array.from({ length: 3 * 256 * 256 }, () => prng.normal());
  const feeds = { input_image: new ort.Tensor("float32", image, [1, 3, 256, 256]) };
  // loss = Σ embedding ⊙ R / N
  const emb = g.outputs[0]!;
  const r = g.addConstant(
    "R",
    Float32Array.from({ length: 32 * 16 * 16 }, () => (2 * prng.next() - 1) / 8192),
    [1, 32, 16, 16],
  );
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceSum", [g.addNode("Mul", [emb, r]).outputs[0]!], { keepdims: attr.int(0) }, {
    outputs: [loss],
  });
  g.outputs = [loss];
  const wrt = [
    "model.vision_encoder.patch_embed.projection.weight", // Conv
    "model.vision_encoder.layers.0.layer_norm1.weight", // LayerNormalization through Identity copies
    "onnx::MatMul_905", // qkv
    "onnx::Resize_916", // relative-position table → Resize → Einsum
  ];
  const grad = await buildGradientGraph(g, { loss: "loss", wrt, feeds });
  const all = g.tensors();
  const params: Record<string, ort.Tensor> = {};
  for (const n of wrt) {
    const c = all.get(n) as Constant;
    params[n] = new ort.Tensor("float32", Float32Array.from(c.values() as Float32Array), c.dims);
  }
  const session = await ort.InferenceSession.create(encodeModel(grad), { executionProviders: ["cpu"] });
  try {
    const base = await session.run({ ...feeds, ...params });
    for (const n of wrt) {
      const a = base[`grad/${n}`]!.data as Float32Array;
      // Central differences at the 4 elements with the largest gradient.
      const top = [...a.keys()].sort((i, j) => Math.abs(a[j]!) - Math.abs(a[i]!)).slice(0, 4);
      for (const i of top) {
        const data = params[n]!.data as Float32Array;
        const v = data[i]!;
        const h = 1e-2 * Math.max(Math.abs(v), 0.1);
        const at = async (value: number) => {
          data[i] = value;
          const o = await session.run({ ...feeds, ...params });
          return Number(o["loss"]!.data[0]);
        };
        const numeric = (await at(v + h) - await at(v - h)) / (Math.fround(v + h) - Math.fround(v - h));
        data[i] = v;
        assert.ok(
          Math.abs(a[i]! - numeric) <= 0.05 * Math.abs(numeric) + 1e-6,
          `${n}[${i}]: ${a[i]} vs ${numeric}`,
        );
      }
    }
  } finally {
    await session.release();
  }
});
