import assert from "node:assert/strict";
import { join } from "node:path";
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { Constant, type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { REPO_ROOT } from "../../util/paths.ts";
import { createPrng } from "../../util/prng.ts";
import { loadModelDir } from "../../sam/model_dir.ts";
import { findPatterns } from "../graph/find_patterns.ts";
import { prepareSamModel } from "../graph/prepare_sam_model.ts";
import { planQuantizers } from "../insert/plan_quantizers.ts";
import { findUnits } from "./find_units.ts";

/** x → [q/k/v → softmax attention → proj] + x → [fc1 → Relu → fc2] + · → y (two residual blocks). */
function twoBlocks(): Graph {
  const r = createPrng(2);
  const x = new Variable("x", "float32", [1, 4, 8]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  const w = (name: string, i: number, o: number) =>
    Constant.of(name, Float32Array.from({ length: i * o }, () => r.normal() * 0.3), [i, o]);
  const op = (type: string, name: string, ins: Tensor[], attrs = {}) =>
    g.addNode(type, ins, attrs, { name: `/${name}`, outputs: [name] }).outputs[0]!;
  const q = op("MatMul", "q", [x, w("Wq", 8, 8)]);
  const k = op("MatMul", "k", [x, w("Wk", 8, 8)]);
  const v = op("MatMul", "v", [x, w("Wv", 8, 8)]);
  const p = op("Softmax", "probs", [
    op("MatMul", "qk", [q, op("Transpose", "kt", [k], { perm: attr.ints([0, 2, 1]) })]),
  ], {
    axis: attr.int(-1),
  });
  const a = op("MatMul", "proj", [op("MatMul", "av", [p, v]), w("Wo", 8, 8)]);
  const r1 = op("Add", "res1", [x, a]);
  const h = op("Relu", "relu", [op("MatMul", "fc1", [r1, w("W1", 8, 16)])]);
  const y = op("Add", "res2", [r1, op("MatMul", "fc2", [h, w("W2", 16, 8)])]);
  g.outputs = [y];
  return g.toposort();
}

Deno.test("findUnits() cuts a residual network after each residual add, one attention or MLP per unit", () => {
  const g = twoBlocks();
  const patterns = findPatterns(g, "encoder");
  const units = findUnits(g, patterns, new Set(["/q", "/k", "/v", "/proj", "/fc1", "/fc2"]));
  assert.equal(units.head, undefined);
  assert.deepEqual(units.units.map((u) => [u.inputs, u.outputs, u.linears.sort()]), [
    [["x"], ["res1"], ["/k", "/proj", "/q", "/v"]],
    [["res1"], ["res2"], ["/fc1", "/fc2"]],
  ]);
  assert.deepEqual(units.units[1]!.live, ["res2"]);
  // Only the MLP quantized: the attention becomes a propagation-only head.
  const mlp = findUnits(g, patterns, new Set(["/fc1", "/fc2"]));
  assert.deepEqual([mlp.head?.inputs, mlp.head?.outputs, mlp.units.length], [["x"], ["res1"], 1]);
});

Deno.test("findUnits() gives PTQ4SAM's units on the tiny SAM: encoder attention/MLP/neck, decoder sub-blocks", async () => {
  const model = await prepareSamModel(
    await loadModelDir(join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official")),
  );
  const names = (p: typeof model.encoder) =>
    new Set(planQuantizers(p.patterns).weights.flatMap((w) => w.linears.map((l) => l.node.name)));
  const enc = findUnits(model.encoder.model.graph, model.encoder.patterns, names(model.encoder));
  assert.deepEqual(enc.units.map((u) => u.linears.map((n) => n.split("/").slice(-2, -1)[0]).join("+")), [
    "qkv+proj",
    "lin1+lin2",
    "qkv+proj",
    "lin1+lin2",
    "conv1",
    "conv2",
  ]);
  assert.ok(enc.units.every((u) => u.inputs.length === 1 && u.outputs.length === 1));
  const dec = findUnits(model.decoder.model.graph, model.decoder.patterns, names(model.decoder));
  const kinds = dec.units.map((u) => u.linears[0]!.split("/").slice(-3, -2)[0]);
  assert.deepEqual(kinds, [
    "self_attn",
    "cross_attn_token_to_image",
    "mlp",
    "cross_attn_image_to_token",
    "self_attn",
    "cross_attn_token_to_image",
    "mlp",
    "cross_attn_image_to_token",
    "final_attn_token_to_image",
  ]);
  for (const u of dec.units.filter((u) => !u.linears[0]!.includes("/mlp/"))) {
    assert.equal(u.linears.length, 4);
  }
  assert.ok(dec.head !== undefined && dec.head.inputs.includes("point_coords"));
});
