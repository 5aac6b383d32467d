import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { SamqError } from "../../util/errors.ts";
import { openOfficialAdapter } from "./official.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam");
const ENC = join(TINY, "official", "encoder.onnx");
const DEC = join(TINY, "official", "decoder.onnx");

Deno.test("openOfficialAdapter() with dropGraphMasks gives the same low-res masks and IoU, without graphMasks", async () => {
  const full = await openOfficialAdapter(ENC, DEC, 256);
  const cut = await openOfficialAdapter(ENC, DEC, 256, { dropGraphMasks: true });
  try {
    const pixels = Float32Array.from({ length: 3 * 256 * 256 }, (_, i) => Math.fround(Math.sin(i * 0.01)));
    const emb = await full.encode(pixels);
    const prompt = { points: [100, 80, 30, 200], labels: [1, 0] };
    const sizes = { input: { h: 192, w: 256 }, orig: { h: 300, w: 400 } };
    const a = await full.decode(emb, prompt, sizes);
    const b = await cut.decode(emb, prompt, sizes);
    assert.deepEqual(b.lowRes, a.lowRes);
    assert.deepEqual(b.iou, a.iou);
    assert.deepEqual(b.tokens, a.tokens);
    assert.equal(a.graphMasks?.length, a.iou.length * 300 * 400);
    assert.equal("graphMasks" in b, false);
  } finally {
    await full.release();
    await cut.release();
  }
});

Deno.test("openOfficialAdapter() with dropGraphMasks rejects a decoder that has no masks output", async () => {
  const hfDecoder = join(TINY, "hf", "prompt_encoder_mask_decoder.onnx");
  await assert.rejects(
    () => openOfficialAdapter(ENC, hfDecoder, 256, { dropGraphMasks: true }),
    (e) =>
      e instanceof SamqError && e.code === "invalid_model" && e.field === "masks" && e.path === hfDecoder,
  );
});
