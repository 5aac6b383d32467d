import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { createPrng } from "../../util/prng.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { HluqQuantizerParams } from "../quantizers/quantizer_params.ts";
import { emitParametricHluq } from "./parametric_hluq.ts";

const N = 96;
const weightOf = (i: number) => 1 + (i % 5) * 0.25;

Deno.test("emitParametricHluq() matches the HLUQ grid and gives the STE gradients of s_log and s_uni", async () => {
  const p: HluqQuantizerParams = {
    kind: "hluq",
    bits: 4,
    shift: -0.17,
    logLevels: 4,
    scaleLog: 0.5,
    scaleUni: 0.25,
  };
  const r = createPrng(7);
  const x = Float32Array.from({ length: N }, () => Math.fround(-0.3 + 4.5 * r.next() ** 2));
  x[0] = -0.17; // y = 0
  x[1] = 10; // saturates the uniform part
  const xv = new Variable("x", "float32", [N]);
  const g = new Graph({ inputs: [xv], opset: { "": 17 } });
  const sl = new Variable("sl", "float32", []), su = new Variable("su", "float32", []);
  g.inputs.push(sl, su);
  const y = emitParametricHluq(
    g,
    xv,
    { bits: 4, shift: p.shift, logLevels: 4, scaleLog: sl, scaleUni: su },
    "h",
  );
  const w = g.addConstant("w", Float32Array.from({ length: N }, (_, i) => weightOf(i)), [N]);
  const loss = g.addNode("ReduceSum", [g.addNode("Mul", [y, w]).outputs[0]!], { keepdims: attr.int(0) }, {
    outputs: ["loss"],
  }).outputs[0]!;
  loss.dtype = "float32";
  loss.shape = [];
  g.outputs = [loss, y];
  g.toposort();
  const scalar = (v: number) => new ort.Tensor("float32", Float32Array.of(v), []);
  const feeds = { x: new ort.Tensor("float32", x, [N]), sl: scalar(p.scaleLog), su: scalar(p.scaleUni) };
  const grad = await buildGradientGraph(g, { loss: "loss", wrt: ["sl", "su"], keepOutputs: [y.name], feeds });
  const s = await ort.InferenceSession.create(encodeModel(grad), { executionProviders: ["cpu"] });
  let out: ort.InferenceSession.OnnxValueMapType;
  try {
    out = await s.run(feeds);
  } finally {
    await s.release();
  }
  const yq = out[y.name]!.data as Float32Array;
  const ref = fakeQuant(x, [N], p);
  for (let i = 0; i < N; i++) assert.ok(Math.abs(yq[i]! - ref[i]!) <= 1e-6, `${i}: ${yq[i]} vs ${ref[i]}`);
  // By hand: inside both grids the level's gradient cancels (as AGQ's); uniform values give
  // ∂/∂s_uni = q − u, saturated ones q = U − 1 and ∂/∂s_log = 1.
  let wantLog = 0, wantUni = 0;
  for (let i = 0; i < N; i++) {
    const yi = x[i]! - p.shift;
    if (!(yi > p.scaleLog)) continue;
    const u = (yi - p.scaleLog) / p.scaleUni;
    const q = Math.floor(u + 0.5);
    if (q > 11) {
      wantLog += weightOf(i);
      wantUni += weightOf(i) * 11;
    } else wantUni += weightOf(i) * (q - u);
  }
  assert.ok(wantLog >= weightOf(1), "x = 10 saturates");
  const gl = (out["grad/sl"]!.data as Float32Array)[0]!, gu = (out["grad/su"]!.data as Float32Array)[0]!;
  assert.ok(Math.abs(gl - wantLog) < 1e-3, `∂/∂s_log ${gl} vs ${wantLog}`);
  assert.ok(Math.abs(gu - wantUni) < 1e-3 * Math.max(1, Math.abs(wantUni)), `∂/∂s_uni ${gu} vs ${wantUni}`);
});
