import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { layoutOf } from "./layout_of.ts";

const emb = new ort.Tensor("float32", new Float32Array(4), [1, 1, 2, 2]);
const pos = new ort.Tensor("float32", new Float32Array(4).fill(1), [1, 1, 2, 2]);
const sizes = { input: { h: 48, w: 64 }, orig: { h: 96, w: 128 } };

Deno.test("layoutOf('official').decoderFeeds() packs a click with its padding point and zero mask input", () => {
  const f = layoutOf("official").decoderFeeds(
    { image_embeddings: emb },
    { points: [10, 20], labels: [1] },
    sizes,
    {
      inputSize: 64,
      inputNames: [],
    },
  );
  assert.deepEqual(Object.keys(f), [
    "image_embeddings",
    "point_coords",
    "point_labels",
    "mask_input",
    "has_mask_input",
    "orig_im_size",
  ]);
  assert.equal(f.image_embeddings, emb);
  assert.deepEqual(Array.from(f.point_coords!.data as Float32Array), [10, 20, 0, 0]);
  assert.deepEqual(Array.from(f.point_labels!.data as Float32Array), [1, -1]);
  assert.deepEqual(f.mask_input!.dims, [1, 1, 16, 16]);
  assert.ok((f.mask_input!.data as Float32Array).every((v) => v === 0));
  assert.deepEqual(Array.from(f.has_mask_input!.data as Float32Array), [0]);
  assert.deepEqual(Array.from(f.orig_im_size!.data as Float32Array), [96, 128]);
});

Deno.test("layoutOf('hf') feeds the positional embeddings and boxes only to decoders that take them", () => {
  const hf = layoutOf("hf");
  const embedding = hf.embedding({ image_embeddings: emb, image_positional_embeddings: pos }, []);
  const prompt = { points: [10, 20, 30, 40], labels: [1, 0] };
  const plain = hf.decoderFeeds(embedding, prompt, sizes, {
    inputSize: 64,
    inputNames: ["image_embeddings"],
  });
  assert.deepEqual(Object.keys(plain).sort(), ["image_embeddings", "input_labels", "input_points"]);
  assert.deepEqual(plain.input_points!.dims, [1, 1, 2, 2]);
  assert.deepEqual(Array.from(plain.input_labels!.data as BigInt64Array), [1n, 0n]);
  const names = ["image_embeddings", "image_positional_embeddings", "input_boxes"];
  const full = hf.decoderFeeds(embedding, { ...prompt, box: [1, 2, 3, 4] }, sizes, {
    inputSize: 64,
    inputNames: names,
  });
  assert.equal(full.image_positional_embeddings, pos);
  assert.deepEqual(Array.from(full.input_boxes!.data as Float32Array), [1, 2, 3, 4]);
  assert.equal(hf.takesBox(["image_embeddings"]), false);
  assert.equal(hf.takesBox(names), true);
  assert.throws(
    () => hf.decoderFeeds(embedding, { box: [1, 2, 3, 4] }, sizes, { inputSize: 64, inputNames: [] }),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_prompt" && e.field === "box",
  );
});

Deno.test("layoutOf('sam2') needs all three encoder outputs and puts box corners before clicks", () => {
  const sam2 = layoutOf("sam2");
  assert.throws(
    () => sam2.embedding({ image_embed: emb }, ["image_embed"]),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_model" && e.field === "high_res_feats_0",
  );
  const embedding = sam2.embedding({ image_embed: emb, high_res_feats_0: pos, high_res_feats_1: pos }, []);
  const f = sam2.decoderFeeds(embedding, { points: [5, 6], labels: [1], box: [1, 2, 3, 4] }, sizes, {
    inputSize: 64,
    inputNames: [],
  });
  assert.deepEqual(Array.from(f.point_coords!.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(f.point_labels!.data as Float32Array), [2, 3, 1]);
  assert.equal(f.high_res_feats_1, pos);
  assert.ok(!("orig_im_size" in f));
});
