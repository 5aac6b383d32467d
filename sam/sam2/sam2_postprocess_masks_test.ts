import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { postprocessMasks } from "../postprocess/postprocess_masks.ts";
import { sam2PostprocessMasks } from "./sam2_postprocess_masks.ts";
import { createPrng } from "../../util/prng.ts";

Deno.test("sam2PostprocessMasks() resizes 2x2 logits to 4x4 with half-pixel bilinear weights (hand-computed)", () => {
  // Rows [0, 1] and [2, 3]: out[y][x] = ax[x] + 2 * ay[y] with taps 0, 0.25, 0.75, 1 on each axis
  // (src = (d + 0.5) / 2 - 0.5, clamped at both ends).
  const out = sam2PostprocessMasks(Float32Array.from([0, 1, 2, 3]), { h: 4, w: 4 }, 2);
  const a = [0, 0.25, 0.75, 1];
  const want = a.flatMap((ay) => a.map((ax) => ax + 2 * ay));
  assert.deepEqual(Array.from(out), want);
});

Deno.test("sam2PostprocessMasks() resizes each of C planes to a non-square original size", () => {
  const low = new Float32Array(2 * 4 * 4);
  low.fill(-3, 0, 16);
  low.fill(5, 16, 32);
  const out = sam2PostprocessMasks(low, { h: 3, w: 7 }, 4);
  assert.equal(out.length, 2 * 3 * 7);
  assert.ok(out.subarray(0, 21).every((v) => v === -3));
  assert.ok(out.subarray(21).every((v) => v === 5));
});

Deno.test("sam2PostprocessMasks() equals SAM's two-step postprocessing when the image is 1024x1024", () => {
  // 256 → 1024 then an identity 1024 → 1024 resize: the two rules agree exactly only here.
  const prng = createPrng(3);
  const low = Float32Array.from({ length: 256 * 256 }, () => prng.normal() * 8);
  const direct = sam2PostprocessMasks(low, { h: 1024, w: 1024 });
  const twoStep = postprocessMasks(low, { h: 1024, w: 1024 }, { h: 1024, w: 1024 });
  assert.deepEqual(direct, twoStep);
});

Deno.test("sam2PostprocessMasks() rejects wrong lengths and empty sizes", () => {
  assert.throws(
    () => sam2PostprocessMasks(new Float32Array(10), { h: 4, w: 4 }, 2),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "lowRes",
  );
  assert.throws(
    () => sam2PostprocessMasks(new Float32Array(4), { h: 0, w: 4 }, 2),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "origSize",
  );
});
