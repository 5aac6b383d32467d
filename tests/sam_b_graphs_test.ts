/**
 * SAM-B-geometry exports (official and HF layouts, weights stripped): the interface samq's adapters
 * expect and the block structure the quantization pattern finders rely on, read without loading weights.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readModel } from "../onnx/mod.ts";
import { OFFICIAL_DECODER_INPUTS, OFFICIAL_DECODER_OUTPUTS } from "../sam/adapters/official.ts";
import { REPO_ROOT } from "../util/paths.ts";

const DIR = join(REPO_ROOT, "tests", "fixtures", "sam-b-graphs");

async function census(path: string) {
  const model = await readModel(path);
  const ops = new Map<string, number>();
  for (const n of model.graph.nodes) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
  return { graph: model.graph, ops };
}

Deno.test("SAM-B image encoders have ViT-B/16 structure: 12 blocks, 2 LN + 6 MatMul + 1 Softmax + 1 GELU each", async () => {
  for (const f of ["official/encoder.onnx", "hf/vision_encoder.onnx"]) {
    const { graph, ops } = await census(join(DIR, f));
    const input = graph.inputs[0];
    assert.ok(input && input.kind === "variable");
    assert.deepEqual(input.shape?.slice(1), [3, 1024, 1024], f);
    // 12 blocks × (qkv, proj, fc1, fc2, q·kᵀ, attn·v); 12 × 2 LayerNorms + 2 LayerNorm2d in the neck;
    // patch embedding + 2 neck convolutions; 2 decomposed rel-pos einsums per block.
    // The HF encoder also outputs the dense positional embedding: one more MatMul (random Fourier features).
    assert.equal(ops.get("MatMul"), f.startsWith("hf/") ? 73 : 72, f);
    assert.equal(ops.get("LayerNormalization"), 26, f);
    assert.equal(ops.get("Softmax"), 12, f);
    assert.equal(ops.get("Erf"), 12, f);
    assert.equal(ops.get("Conv"), 3, f);
    assert.equal(ops.get("Einsum"), 24, f);
    // Weights were stripped: every initializer is external and unloaded.
    const inits = graph.initializers();
    assert.ok(inits.length > 50);
    assert.ok(inits.every((t) => t.external !== undefined && !t.loaded), f);
  }
});

Deno.test("SAM-B decoders expose the official six-input interface and the HF interface", async () => {
  const official = (await census(join(DIR, "official", "decoder.onnx"))).graph;
  assert.deepEqual(official.inputs.map((t) => t.name).sort(), [...OFFICIAL_DECODER_INPUTS].sort());
  assert.deepEqual(official.outputs.map((t) => t.name).sort(), [...OFFICIAL_DECODER_OUTPUTS].sort());
  const hf = (await census(join(DIR, "hf", "prompt_encoder_mask_decoder.onnx"))).graph;
  assert.deepEqual(hf.inputs.map((t) => t.name), ["image_embeddings", "input_points", "input_labels"]);
  assert.deepEqual(hf.outputs.map((t) => t.name), ["iou_scores", "pred_masks"]);
  for (const g of [official, hf]) {
    const ops = new Map<string, number>();
    for (const n of g.nodes) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
    // Two-way transformer (2 layers) + final attention: 64 MatMuls incl. the MLPs; ReLU in the MLPs.
    assert.equal(ops.get("Softmax"), 7);
    assert.equal(ops.get("ConvTranspose"), 2);
  }
});
