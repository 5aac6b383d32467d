import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { SamqError } from "../../util/errors.ts";
import { createPrng } from "../../util/prng.ts";
import { EncoderWorker } from "./preprocess_pool_encoder.ts";
import { preprocessImage } from "./preprocess_image.ts";
import { loadModelDir } from "../model_dir.ts";
import { SamPredictor } from "../predictor.ts";

const TINY_OFFICIAL = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

Deno.test("EncoderWorker.encode() returns the main thread's embedding; setEncodedImage() predicts the same", async () => {
  const model = await loadModelDir(TINY_OFFICIAL);
  const predictor = await SamPredictor.open(model);
  const worker = await EncoderWorker.open(model);
  try {
    const rand = createPrng(3);
    const image = { data: Uint8Array.from({ length: 90 * 160 * 3 }, () => rand.int(256)), h: 90, w: 160 };
    const prompt = { points: [[40, 30]] as [number, number][] };
    await predictor.setImage(image);
    const want = await predictor.predict(prompt);
    const pre = preprocessImage(image.data, image.h, image.w, { size: model.config.inputSize });
    const copy = pre.tensor.slice();
    const got = await worker.encode(pre.tensor);
    assert.equal(pre.tensor.length, 0, "the input buffer was transferred");
    assert.deepEqual(got.tensor, copy, "the input comes back unchanged");
    // Exact equality of the embeddings (the tiny random encoder's outputs are ~1e-20, masks barely move).
    const main = await predictor.adapter.encode(copy);
    assert.deepEqual(Object.keys(got.embedding), Object.keys(main));
    for (const [k, t] of Object.entries(main)) {
      assert.deepEqual(got.embedding[k]!.dims, t.dims);
      assert.deepEqual(got.embedding[k]!.data, t.data);
    }
    predictor.setEncodedImage({ embedding: got.embedding, inputSize: pre.inputSize, origSize: pre.origSize });
    const again = await predictor.predict(prompt);
    assert.deepEqual(again.logits, want.logits);
    assert.deepEqual(again.raw.iou, want.raw.iou);
    await assert.rejects(
      () => worker.encode(new Float32Array(7)),
      (e) => e instanceof SamqError && e.field === "tensor",
    );
  } finally {
    await worker.close();
    await predictor.release();
  }
});

Deno.test("EncoderWorker.open() rejects a missing model folder with a SamqError", async () => {
  const dir = await Deno.makeTempDir();
  const model = await loadModelDir(TINY_OFFICIAL);
  await assert.rejects(
    () => EncoderWorker.open({ ...model, dir: join(dir, "nope") }),
    (e) => e instanceof SamqError,
  );
  await Deno.remove(dir, { recursive: true });
});
