import assert from "node:assert/strict";
import { postprocessMasks } from "./postprocess_masks.ts";
import { bilinearResizeHalfPixel } from "../../image/bilinear_resize_half_pixel.ts";
import { thresholdMask } from "../../mask/threshold_mask.ts";
import { SamqError } from "../../util/errors.ts";

Deno.test("postprocessMasks() equals upsample, explicit crop, resize", () => {
  const low = 16, size = 64;
  const c = 2;
  const lowRes = Float32Array.from({ length: c * low * low }, (_, i) => Math.fround(Math.cos(i * 0.37) * 3));
  const inputSize = { h: 40, w: 64 };
  const origSize = { h: 25, w: 41 };
  const got = postprocessMasks(lowRes, inputSize, origSize, { size, lowResSize: low });
  const up = bilinearResizeHalfPixel(lowRes, c, low, low, size, size);
  const crop = new Float32Array(c * inputSize.h * inputSize.w);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < inputSize.h; y++) {
      for (let x = 0; x < inputSize.w; x++) {
        crop[(ch * inputSize.h + y) * inputSize.w + x] = up[(ch * size + y) * size + x]!;
      }
    }
  }
  const want = bilinearResizeHalfPixel(crop, c, inputSize.h, inputSize.w, origSize.h, origSize.w);
  assert.equal(got.length, c * origSize.h * origSize.w);
  assert.deepEqual(got, want);
});

Deno.test("postprocessMasks() maps a low-res half-plane to the original frame", () => {
  // Left half of the 1024 frame positive; the image covers 768×1024 → in 480×640 the left half is positive.
  const lowRes = new Float32Array(256 * 256);
  for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) lowRes[y * 256 + x] = x < 128 ? 5 : -5;
  const mask = thresholdMask(postprocessMasks(lowRes, { h: 768, w: 1024 }, { h: 480, w: 640 }));
  assert.equal(mask.length, 480 * 640);
  let area = 0;
  for (const v of mask) area += v;
  assert.equal(area, 480 * 320);
  assert.equal(mask[319], 1);
  assert.equal(mask[320], 0);
});

Deno.test("postprocessMasks() rejects a wrong low-res length and input size", () => {
  const bad = (e: unknown) => e instanceof SamqError && e.code === "invalid_argument";
  assert.throws(() => postprocessMasks(new Float32Array(10), { h: 1, w: 1 }, { h: 1, w: 1 }), bad);
  assert.throws(
    () => postprocessMasks(new Float32Array(256 * 256), { h: 2000, w: 1 }, { h: 1, w: 1 }),
    bad,
  );
});
