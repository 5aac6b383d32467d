import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { createPrng } from "../../util/prng.ts";
import { REPO_ROOT } from "../../util/paths.ts";
import { SamqError } from "../../util/errors.ts";
import { PreprocessPool } from "./preprocess_pool.ts";
import { preprocessImage } from "./preprocess_image.ts";
import { postprocessMasks } from "../postprocess/postprocess_masks.ts";
import { thresholdMask } from "../../mask/threshold_mask.ts";
import { imageKey, SamPredictor } from "../predictor.ts";
import { loadModelDir } from "../model_dir.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";

const TINY_OFFICIAL = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

function randomImage(seed: number, h: number, w: number): RgbImage {
  const rand = createPrng(seed);
  return { data: Uint8Array.from({ length: h * w * 3 }, () => rand.int(256)), h, w };
}

/**
 * The current embedding's values. The tiny random encoder's outputs are ~1e-20 and barely move the masks,
 * so tests compare embeddings exactly (through the private field) rather than masks.
 */
function embeddingOf(p: SamPredictor): unknown {
  return (p as unknown as { current: { embedding: Record<string, { data: unknown }> } }).current.embedding
    .image_embeddings!.data;
}

/** Writes lossless PNGs of the images into a temp dir; returns their paths. */
async function writePngs(images: RgbImage[]): Promise<{ dir: string; paths: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "samq-pool-" });
  const paths: string[] = [];
  for (const [i, im] of images.entries()) {
    const p = join(dir, `${i}.png`);
    await sharp(im.data, { raw: { width: im.w, height: im.h, channels: 3 } }).png().toFile(p);
    paths.push(p);
  }
  return { dir, paths };
}

Deno.test("PreprocessPool.preprocessFiles() yields, in order, the tensors, keys and pixels of the main thread", async () => {
  const images = [
    randomImage(1, 40, 64),
    randomImage(2, 70, 30),
    randomImage(3, 33, 33),
    randomImage(4, 64, 64),
  ];
  const { dir, paths } = await writePngs(images);
  const pool = new PreprocessPool({ workers: 2, preprocess: { size: 64 } });
  try {
    let i = 0;
    for await (const got of pool.preprocessFiles(paths, { depth: 3, wantKey: true, wantImage: true })) {
      const im = images[i]!;
      const want = preprocessImage(im.data, im.h, im.w, { size: 64 });
      assert.equal(got.path, paths[i]);
      assert.deepEqual(got.tensor, want.tensor);
      assert.deepEqual([got.inputSize, got.origSize], [want.inputSize, want.origSize]);
      assert.equal(got.key, imageKey(im));
      assert.deepEqual(got.image, im);
      i++;
    }
    assert.equal(i, images.length);
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PreprocessPool.recycle() reuses a dirty buffer and the next result is still exact", async () => {
  const pool = new PreprocessPool({ workers: 1, preprocess: { size: 32 } });
  try {
    const a = randomImage(5, 32, 20), b = randomImage(6, 10, 32);
    const first = await pool.preprocessRgb(a);
    first.tensor.fill(Number.NaN);
    pool.recycle(first.tensor);
    const second = await pool.preprocessRgb(b);
    assert.deepEqual(second.tensor, preprocessImage(b.data, b.h, b.w, { size: 32 }).tensor);
    assert.equal(first.tensor.length, 0, "the recycled buffer was transferred to the worker");
  } finally {
    await pool.close();
  }
});

Deno.test("PreprocessPool.postprocessMask() returns the main thread's logits and mask bit for bit", async () => {
  const pool = new PreprocessPool({ workers: 2, preprocess: { size: 64 } });
  try {
    const rand = createPrng(12);
    const low = Float32Array.from({ length: 16 * 16 }, () => Math.fround(rand.normal() * 3));
    const inputSize = { h: 40, w: 64 }, origSize = { h: 25, w: 41 };
    const got = await pool.postprocessMask(low, inputSize, origSize, { wantLogits: true, threshold: 0.5 });
    const logits = postprocessMasks(low, inputSize, origSize, { size: 64, lowResSize: 16 });
    assert.deepEqual(got.logits, logits);
    assert.deepEqual(got.mask, thresholdMask(logits, 0.5));
    assert.equal(low.length, 256, "the caller's array is copied, not moved");
    await assert.rejects(
      () => pool.postprocessMask(new Float32Array(10), inputSize, origSize),
      (e) => e instanceof SamqError && e.field === "lowRes",
    );
  } finally {
    await pool.close();
  }
});

Deno.test("PreprocessPool rejects a missing file with a SamqError naming it, and keeps working", async () => {
  const pool = new PreprocessPool({ workers: 1, preprocess: { size: 32 } });
  try {
    const missing = join(await Deno.makeTempDir(), "nope.png");
    await assert.rejects(
      () => pool.preprocessFile(missing),
      (e) => e instanceof SamqError && e.code === "not_found" && e.path === missing,
    );
    const ok = await pool.preprocessRgb(randomImage(7, 8, 8));
    assert.equal(ok.tensor.length, 3 * 32 * 32);
  } finally {
    await pool.close();
  }
  await assert.rejects(() => pool.preprocessRgb(randomImage(8, 4, 4)), (e) => e instanceof SamqError);
});

Deno.test("SamPredictor.setPreprocessedImage() predicts what setImage does and reuses cached embeddings", async () => {
  const model = await loadModelDir(TINY_OFFICIAL);
  const predictor = await SamPredictor.open(model);
  const pool = new PreprocessPool({ workers: 1, preprocess: { size: model.config.inputSize } });
  try {
    const im = randomImage(9, 120, 200);
    const prompt = { points: [[60, 50]] as [number, number][] };
    await predictor.setImage(im);
    const want = await predictor.predict(prompt);
    const pre = await pool.preprocessRgb(im, { wantKey: true });
    const fresh = await SamPredictor.open(model);
    await fresh.setPreprocessedImage(pre, { key: pre.key });
    const got = await fresh.predict(prompt);
    assert.deepEqual(embeddingOf(fresh), embeddingOf(predictor));
    assert.deepEqual(got.logits, want.logits);
    assert.deepEqual(got.raw.iou, want.raw.iou);
    assert.equal(fresh.encodeCount, 1);
    assert.ok(fresh.hasCachedEmbedding(pre.key!));
    await fresh.setPreprocessedImage(pre, { key: pre.key });
    assert.equal(fresh.encodeCount, 1, "a cached key runs no encoder");
    await assert.rejects(
      () => fresh.setPreprocessedImage({ ...pre, tensor: new Float32Array(5) }),
      (e) => e instanceof SamqError && e.field === "tensor",
    );
    await fresh.release();
  } finally {
    await pool.close();
    await predictor.release();
  }
});

Deno.test("SamPredictor.setImage() reusing its input buffer stays correct when two calls overlap", async () => {
  const model = await loadModelDir(TINY_OFFICIAL);
  const shared = await SamPredictor.open(model);
  const solo = await SamPredictor.open(model, { cacheSize: 1 });
  try {
    const a = randomImage(10, 100, 150), b = randomImage(11, 150, 90);
    // Both start before either encoder run happens: the second must not overwrite the first one's input.
    await Promise.all([shared.setImage(a), shared.setImage(b)]);
    assert.equal(shared.encodeCount, 2);
    for (const im of [a, b]) {
      await shared.setImage(im); // cache hit: the embedding computed in the overlapping calls
      await solo.setImage(im);
      assert.deepEqual(embeddingOf(shared), embeddingOf(solo));
    }
    assert.equal(shared.encodeCount, 2);
  } finally {
    await shared.release();
    await solo.release();
  }
});
