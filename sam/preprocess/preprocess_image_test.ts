import assert from "node:assert/strict";
import { preprocessImage } from "./preprocess_image.ts";
import { normalizeAndPad } from "./preprocess_normalize_and_pad.ts";
import { resizePillowBilinear } from "../../image/resize_pillow_bilinear.ts";
import { SamqError } from "../../util/errors.ts";

const img = Uint8Array.from({ length: 5 * 8 * 3 }, (_, i) => (i * 53) % 256);

Deno.test("preprocessImage() resizes the longest side with Pillow bilinear, then normalises and pads", () => {
  const p = preprocessImage(img, 5, 8, { size: 16 });
  assert.deepEqual(p.inputSize, { h: 10, w: 16 });
  assert.deepEqual(p.origSize, { h: 5, w: 8 });
  const want = normalizeAndPad(resizePillowBilinear(img, 5, 8, 10, 16), 10, 16, { size: 16 });
  assert.deepEqual(p.tensor, want);
});

Deno.test("preprocessImage() uses ImageNet 0..1 for hf and a square resize for sam2", () => {
  const imagenet = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], pixelScale: "0-1" } as const;
  const hf = preprocessImage(img, 5, 8, { size: 16, stack: "hf" });
  assert.deepEqual(hf.inputSize, { h: 10, w: 16 });
  assert.deepEqual(
    hf.tensor,
    normalizeAndPad(resizePillowBilinear(img, 5, 8, 10, 16), 10, 16, { size: 16, ...imagenet }),
  );
  const s2 = preprocessImage(img, 5, 8, { size: 16, stack: "sam2" });
  assert.deepEqual(s2.inputSize, { h: 16, w: 16 });
  assert.deepEqual(
    s2.tensor,
    normalizeAndPad(resizePillowBilinear(img, 5, 8, 16, 16), 16, 16, { size: 16, ...imagenet }),
  );
  const sq = preprocessImage(img, 5, 8, { size: 16, resize: "square" });
  assert.deepEqual(sq.inputSize, { h: 16, w: 16 });
});

Deno.test("preprocessImage() rejects a degenerate aspect ratio and an unknown stack", () => {
  assert.throws(
    () => preprocessImage(new Uint8Array(3000 * 3), 1, 3000),
    (e) => e instanceof SamqError && e.code === "invalid_image",
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => preprocessImage(img, 5, 8, { stack: "tj" as any }),
    (e) => e instanceof SamqError && e.field === "stack",
  );
});
