import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Graph } from "../../onnx/ir/graph.ts";
import { createModel } from "../../onnx/ir/model.ts";
import { Constant, type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createPrng } from "../../util/prng.ts";
import { findGraphQuantizers } from "../audit/find_graph_quantizers.ts";
import { findPatterns } from "../graph/find_patterns.ts";
import { insertQuantizers } from "../insert/insert_quantizers.ts";
import { type ActivationSite, planQuantizers } from "../insert/plan_quantizers.ts";
import type { ActivationAssignment } from "../insert/insert_quantizers.ts";
import { channelGroups } from "../cag/channel_groups.ts";
import { hluqParamsFromRange } from "../quantizers/hluq.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { adaRoundHard } from "./adaround.ts";
import { bakeLearned } from "./bake_learned.ts";
import { findLearningOps } from "./no_learning_ops.ts";
import { buildTrainableGraph, type QuantizerTreatment } from "./trainable_graph.ts";

/** x [3, 8] → MatMul W1 + b → Relu → MatMul W2 → y, with W4A4 quantizers emitted; float weights kept. */
function quantizedGraph(
  activation: (site: ActivationSite) => Omit<ActivationAssignment, "site"> = () => ({
    params: uniformParamsFromRange([-1.5], [2], { bits: 4 }),
  }),
) {
  const r = createPrng(7);
  const rand = (n: number, sd: number) => Float32Array.from({ length: n }, () => r.normal() * sd);
  const x = new Variable("x", "float32", [3, 8]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  const op = (type: string, name: string, ins: Tensor[]) =>
    g.addNode(type, ins, {}, { name: `/${name}`, outputs: [name] }).outputs[0]!;
  const W1 = rand(40, 0.4), W2 = rand(20, 0.4);
  const h = op("Relu", "relu", [
    op("Add", "fc1/add", [
      op("MatMul", "fc1", [x, Constant.of("W1", W1, [8, 5])]),
      Constant.of("b1", rand(5, 0.1), [5]),
    ]),
  ]);
  g.outputs = [op("MatMul", "fc2", [h, Constant.of("W2", W2, [5, 4])])];
  for (const t of g.outputs) (t as Variable).dtype = "float32";
  g.toposort();
  const plan = planQuantizers(findPatterns(g, "encoder"));
  const records = insertQuantizers(g, {
    activations: plan.activations.map((site) => ({ site, ...activation(site) })),
    weights: plan.weights.map((site) => ({
      site,
      params: uniformParamsFromRange([-0.9], [0.7], { bits: 4 }),
    })),
  });
  const floats = new Map([["W1", { values: W1, dims: [8, 5] }], ["W2", { values: W2, dims: [5, 4] }]]);
  return { g, records, floatWeight: (rec: QuantizerRecord) => floats.get(rec.id)! };
}

async function run(g: Graph, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ["cpu"] });
  try {
    const names = new Set(s.inputNames);
    return (await s.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => names.has(k)))))[
      s.outputNames[0]!
    ]!.data as Float32Array;
  } finally {
    await s.release();
  }
}

/** Equal up to float32 summation order (ORT pre-packs constant MatMul weights; learned weights are inputs). */
function assertClose(a: Float32Array, b: Float32Array): void {
  assert.equal(a.length, b.length);
  const scale = Math.max(...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-6 * scale, `${i}: ${a[i]} vs ${b[i]}`);
  }
}

const input = () =>
  new ort.Tensor("float32", Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 2), [3, 8]);
const tensor = (p: TrainParam) => new ort.Tensor("float32", p.data as Float32Array, p.dims);

Deno.test("buildTrainableGraph() reproduces the evaluation graph at the recorded parameters", async () => {
  const { g, records, floatWeight } = quantizedGraph();
  const treat = (r: QuantizerRecord): QuantizerTreatment => ({
    mode: "learn",
    step: true,
    zero: r.target === "activation",
  });
  const t = buildTrainableGraph(g, records, { treat, floatWeight, prng: createPrng(1) });
  assert.equal(t.params.filter((p) => p.role === "step").length, 4);
  assert.equal(t.params.filter((p) => p.role === "zero").length, 2);
  const feeds = { x: input(), ...Object.fromEntries(t.params.map((p) => [p.name, tensor(p.init)])) };
  assertClose(await run(t.graph, feeds), await run(g, { x: input() }));
});

Deno.test("bakeLearned() re-emits learned steps and zero points so that evaluation equals the training forward", async () => {
  const { g, records, floatWeight } = quantizedGraph();
  const treat = (r: QuantizerRecord): QuantizerTreatment => ({
    mode: "learn",
    step: true,
    zero: r.target === "activation",
  });
  const t = buildTrainableGraph(g, records, { treat, floatWeight, prng: createPrng(1) });
  const values = new Map<string, TrainParam>(t.params.map((p) => {
    const d = p.role === "step"
      ? Float32Array.from(p.init.data, (v) => v * 1.13)
      : Float32Array.from(p.init.data, (v) => v + 1.4);
    return [p.name, { data: d, dims: p.init.dims }];
  }));
  const trained = await run(t.graph, {
    x: input(),
    ...Object.fromEntries([...values].map(([k, v]) => [k, tensor(v)])),
  });
  const model = createModel(g);
  const baked = bakeLearned(model, records, values, { floatWeight });
  assertClose(await run(model.graph, { x: input() }), trained);
  for (const r of baked.filter((r) => r.target === "activation")) {
    const before = records.find((x) => x.id === r.id)!;
    assert.equal(
      r.params.kind === "uniform" && r.params.zeroPoint[0],
      before.params.kind === "uniform" && before.params.zeroPoint[0]! + 1,
    );
  }
  const found = findGraphQuantizers(model.graph);
  assert.deepEqual([...found.activations, ...found.weights].sort(), records.map((r) => r.id).sort());
  assert.deepEqual(findLearningOps(model.graph), []);
});

Deno.test("bakeLearned() writes AdaRound's hard rounding ⌊W/Δ⌋ + 1[V ≥ 0] into the weight constant", async () => {
  const { g, records, floatWeight } = quantizedGraph();
  const treat = (r: QuantizerRecord): QuantizerTreatment =>
    r.target === "weight" ? { mode: "learn", adaround: true } : { mode: "fixed" };
  const t = buildTrainableGraph(g, records, { treat, floatWeight, prng: createPrng(1) });
  const r = createPrng(3);
  const values = new Map<string, TrainParam>(
    t.params.map((
      p,
    ) => [p.name, {
      data: Float32Array.from(p.init.data, () => (r.next() < 0.5 ? 20 : -20)),
      dims: p.init.dims,
    }]),
  );
  const trained = await run(t.graph, {
    x: input(),
    ...Object.fromEntries([...values].map(([k, v]) => [k, tensor(v)])),
  });
  const model = createModel(g);
  bakeLearned(model, records, values, { floatWeight });
  assertClose(await run(model.graph, { x: input() }), trained);
  const w1 = model.graph.initializers().find((c) => c.name === "samq.q/W1")!;
  const rec = records.find((x) => x.id === "W1")!;
  const p = {
    kind: "uniform" as const,
    bits: 4 as const,
    symmetric: false,
    scale: Float32Array.from(rec.params.kind === "uniform" ? rec.params.scale : []),
    zeroPoint: Float32Array.from(rec.params.kind === "uniform" ? rec.params.zeroPoint : []),
  };
  const term = t.adaround.find((a) => a.id === "W1")!;
  assert.deepEqual(w1.values(), adaRoundHard(term.floor, values.get(term.v)!.data, [8, 5], p));
  // Hard rounding stays on the evaluation grid: fake-quantizing it again changes nothing.
  assert.deepEqual(fakeQuant(w1.values() as Float32Array, [8, 5], p), w1.values());
});

Deno.test("HLUQ and grouped (CAG) quantizers train with shared group steps and bake back to the training forward", async () => {
  // fc1's input: 8 channels in 2 groups along axis 1; fc2's input (the Relu output): HLUQ.
  const grouped = uniformParamsFromRange([-1.5, -1, -1.5, -1, -1.5, -1, -1.5, -1], [2, 1, 2, 1, 2, 1, 2, 1], {
    bits: 4,
    axis: 1,
  });
  const hluq = hluqParamsFromRange(0, 2, 4, 0.3, 1 / 4);
  const { g, records, floatWeight } = quantizedGraph((site) =>
    site.id === "relu" ? { params: hluq } : { params: grouped, rank: 2 }
  );
  const treat = (r: QuantizerRecord): QuantizerTreatment =>
    r.target === "weight"
      ? { mode: "fixed" }
      : r.params.kind === "hluq"
      ? { mode: "learn", hluqScales: true }
      : { mode: "learn", step: true, groupedStep: true };
  const t = buildTrainableGraph(g, records, { treat, floatWeight, prng: createPrng(1) });
  assert.deepEqual(t.params.map((p) => [p.role, p.init.dims]), [
    ["step", [2]],
    ["hluq_log_scale", []],
    ["hluq_uni_scale", []],
  ]);
  const at = (values: Map<string, TrainParam>) => ({
    x: input(),
    ...Object.fromEntries([...values].map(([k, v]) => [k, tensor(v)])),
  });
  const init = new Map(t.params.map((p) => [p.name, p.init]));
  assertClose(await run(t.graph, at(init)), await run(g, { x: input() }));
  const values = new Map<string, TrainParam>(t.params.map((p) => [p.name, {
    data: Float32Array.from(p.init.data, (v, i) => v * (1.1 + 0.05 * i)),
    dims: p.init.dims,
  }]));
  const trained = await run(t.graph, at(values));
  const model = createModel(g);
  const baked = bakeLearned(model, records, values, { floatWeight });
  assertClose(await run(model.graph, { x: input() }), trained);
  const cag = baked.find((r) => r.params.kind === "uniform" && r.params.axis === 1)!;
  if (cag.params.kind !== "uniform") throw new Error("unreachable");
  const groups = channelGroups(Float32Array.from(cag.params.scale), Float32Array.from(cag.params.zeroPoint));
  assert.equal(groups.groups, 2, "channels still share their group's step");
  assert.deepEqual([...groups.scale], [
    Math.fround(grouped.scale[0]! * 1.1),
    Math.fround(grouped.scale[1]! * 1.15),
  ]);
  const h = baked.find((r) => r.params.kind === "hluq")!;
  assert.deepEqual(h.params, {
    ...hluq,
    scaleLog: Math.fround(hluq.scaleLog * 1.1),
    scaleUni: Math.fround(hluq.scaleUni * 1.1),
  });
});
