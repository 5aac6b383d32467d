import assert from "node:assert/strict";
import { loadModelDir } from "../../../sam/model_dir.ts";
import { prepareSamModel } from "../../graph/prepare_sam_model.ts";
import { planQuantizers } from "../../insert/plan_quantizers.ts";
import { findGadtTargets, GADT_TARGETS } from "./gadt_targets.ts";

const TINY = new URL("../../../tests/fixtures/tiny-vit-sam/official", import.meta.url).pathname;

Deno.test("findGadtTargets() classifies every transformer Linear input of the tiny fixture by structure", async () => {
  const prepared = await prepareSamModel(await loadModelDir(TINY));
  const count = (part: "encoder" | "decoder") => {
    const p = prepared[part];
    const targets = findGadtTargets(p.patterns, planQuantizers(p.patterns).activations, GADT_TARGETS);
    const by: Record<string, string[]> = {};
    for (const t of targets) (by[t.targets.join("+")] ??= []).push(t.site.id);
    return by;
  };
  const enc = count("encoder");
  // Two ViT blocks: qkv (block 0 behind its window partition), proj, lin1, lin2 each; neck convs never.
  assert.deepEqual(Object.fromEntries(Object.entries(enc).map(([k, v]) => [k, v.length])), {
    qkv: 2,
    proj: 2,
    lin1: 2,
    lin2: 2,
  });
  assert.ok(enc.qkv!.includes("/vision_encoder/layers.1/layer_norm1/LayerNormalization_output_0"));
  assert.ok(enc.lin2!.includes("/vision_encoder/layers.0/mlp/act/Mul_1_output_0"));
  const dec = count("decoder");
  // 7 attentions (q/k/v inputs shared where the decoder shares them), 7 out_proj, 2 MLPs with ReLU.
  assert.deepEqual(Object.fromEntries(Object.entries(dec).map(([k, v]) => [k, v.length])), {
    qkv: 13,
    proj: 7,
    lin1: 2,
    lin2: 2,
  });
  const only = findGadtTargets(
    prepared.decoder.patterns,
    planQuantizers(prepared.decoder.patterns).activations,
    ["lin1"],
  );
  assert.deepEqual(only.map((t) => t.site.id), [
    "/mask_decoder/transformer/layers.0/layer_norm2/LayerNormalization_output_0",
    "/mask_decoder/transformer/layers.1/layer_norm2/LayerNormalization_output_0",
  ]);
});
