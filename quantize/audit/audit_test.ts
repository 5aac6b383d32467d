import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Graph } from "../../onnx/ir/graph.ts";
import { Constant, Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createPrng } from "../../util/prng.ts";
import { emitUniformQuantizer } from "../insert/emit_uniform_quantizer.ts";
import { emitHluqQuantizer } from "../insert/emit_hluq_quantizer.ts";
import { emitLogQuantizer } from "../insert/emit_log_quantizer.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { QuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { findGraphQuantizers } from "./find_graph_quantizers.ts";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { loadModelDir } from "../../sam/model_dir.ts";
import { openCalibrationSet } from "../calibrate/calibration_set.ts";
import { quantizeModel } from "../quantize_model.ts";
import { auditQuantizedModel } from "./audit_quantized_model.ts";
import { offGridReduction } from "./off_grid_reduction.ts";

Deno.test("findGraphQuantizers() finds activation quantizers by node name and weights by constant name", () => {
  const x = new Variable("x", "float32", [4, 3]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  const w = Constant.of("samq.q/W", new Float32Array(6), [3, 2]);
  const q = emitUniformQuantizer(g, x, uniformParamsFromRange([-1], [1], { bits: 8 }), { id: "act/x" });
  g.outputs = [g.addNode("MatMul", [q, w], {}, { name: "/fc/MatMul" }).outputs[0]!];
  const found = findGraphQuantizers(g);
  assert.deepEqual([...found.activations], ["act/x"]);
  assert.deepEqual([...found.weights], ["W"]);
});

async function offGrid(
  values: Float32Array,
  params: QuantizerParams,
  quantize: boolean,
  emitted: QuantizerParams = params,
): Promise<number> {
  const x = new Variable("x", "float32", [values.length]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  let t: Variable = x;
  if (quantize) {
    t = emitted.kind === "log"
      ? emitLogQuantizer(g, x, emitted)
      : emitted.kind === "hluq"
      ? emitHluqQuantizer(g, x, emitted)
      : emitUniformQuantizer(g, x, emitted);
  }
  g.outputs = [offGridReduction(params)(g, t, "check") as Variable];
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ["cpu"] });
  try {
    const r = await s.run({ x: new ort.Tensor("float32", values, [values.length]) });
    return Number((r[g.outputs[0]!.name]!.data as BigInt64Array)[0]);
  } finally {
    await s.release();
  }
}

Deno.test("offGridReduction() counts 0 off-grid values after a quantizer and nearly all without it", async () => {
  const rng = createPrng(9);
  const x = Float32Array.from({ length: 5000 }, () => rng.normal() * 2);
  const u = uniformParamsFromRange([-3], [4], { bits: 4 });
  assert.equal(await offGrid(x, u, true), 0);
  assert.ok((await offGrid(x, u, false)) > 4900);
  const probs = Float32Array.from({ length: 5000 }, () => rng.next() ** 3);
  probs[0] = 0;
  const l: QuantizerParams = { kind: "log", bits: 4, tau: 2, scale: Math.fround(0.8) };
  assert.equal(await offGrid(probs, l, true), 0);
  assert.ok((await offGrid(probs, l, false)) > 4900);
  // Half the tensor left unquantized (a dropped quantizer) is caught exactly.
  const qHalf = x.slice();
  qHalf.set(fakeQuant(x.subarray(0, 2500), [2500], u));
  const n = await offGrid(qHalf, u, false);
  assert.ok(n >= 2400 && n <= 2500, `${n}`);
  // A quantizer emitted with other parameters than recorded is caught too.
  const other = uniformParamsFromRange([-3], [4.5], { bits: 4 });
  assert.ok((await offGrid(x, u, true, other)) > 4000);
});

Deno.test("auditQuantizedModel() fails when a quantizer is unrecorded or recorded with other parameters", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-audit-" });
  try {
    const tiny = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
    const out = join(tmp, "q");
    const { quant } = await quantizeModel({
      model: tiny,
      method: "minmax",
      bits: "w4a4",
      out,
      calib: "synthetic:seed=23,n=1,size=96",
      n: 1,
      evalData: null,
      promptsPerImage: 1,
      auditImages: 1,
      methodOptions: {},
    });
    assert.ok(quant.audit.passed);
    const q = await loadModelDir(out);
    const src = await loadModelDir(tiny);
    const cal = await openCalibrationSet("synthetic:seed=23,n=1,size=96", {
      n: 1,
      evalData: null,
      promptsPerImage: 1,
    });
    const input = {
      config: q.config,
      quantized: {
        encoder: (await readModel(q.encoderPath)).graph,
        decoder: (await readModel(q.decoderPath)).graph,
      },
      source: {
        encoder: (await readModel(src.encoderPath)).graph,
        decoder: (await readModel(src.decoderPath)).graph,
      },
      folded: {},
      images: cal.images,
    };
    const act = quant.quantizers.findIndex((r) => r.target === "activation" && r.part === "encoder");
    const dropped = await auditQuantizedModel({
      ...input,
      records: quant.quantizers.filter((_, i) => i !== act),
    });
    assert.equal(dropped.passed, false);
    assert.deepEqual(dropped.census[0]!.unrecorded, [quant.quantizers[act]!.id]);
    const wrong = structuredClone(quant.quantizers);
    const p = wrong[act]!.params;
    if (p.kind === "uniform") p.scale = p.scale.map((s) => s * 1.37);
    const moved = await auditQuantizedModel({ ...input, records: wrong });
    assert.equal(moved.passed, false);
    assert.deepEqual(moved.failedQuantizers.map((c) => c.id), [quant.quantizers[act]!.id]);
    assert.ok(moved.failedQuantizers[0]!.offGrid > 0);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
