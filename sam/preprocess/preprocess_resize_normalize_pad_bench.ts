// deno bench sam/preprocess/preprocess_resize_normalize_pad_bench.ts — the encoder-input and mask-output kernels on one
// 480×640 image (the usual COCO size): fused preprocessing (fresh or reused buffer) vs the two-step path, and
// the mask postprocessing.
import { createPrng } from "../../util/prng.ts";
import { preprocessResizeNormalizePad } from "./preprocess_resize_normalize_pad.ts";
import { normalizeAndPad } from "./preprocess_normalize_and_pad.ts";
import { resizePillowBilinear } from "../../image/resize_pillow_bilinear.ts";
import { postprocessMasks } from "../postprocess/postprocess_masks.ts";
import { thresholdMask } from "../../mask/threshold_mask.ts";

const rand = createPrng(1);
const H = 480, W = 640, OH = 768, OW = 1024;
const rgb = Uint8Array.from({ length: H * W * 3 }, () => rand.int(256));
const out = new Float32Array(3 * 1024 * 1024);
const lowRes = Float32Array.from({ length: 256 * 256 }, () => Math.fround(rand.normal() * 8));

Deno.bench(
  "preprocess: resizePillowBilinear + normalizeAndPad",
  { group: "preprocess", baseline: true },
  () => {
    normalizeAndPad(resizePillowBilinear(rgb, H, W, OH, OW), OH, OW);
  },
);
Deno.bench("preprocess: fused, new buffer", { group: "preprocess" }, () => {
  preprocessResizeNormalizePad(rgb, H, W, OH, OW);
});
Deno.bench("preprocess: fused, reused buffer", { group: "preprocess" }, () => {
  preprocessResizeNormalizePad(rgb, H, W, OH, OW, { out });
});
Deno.bench("postprocess: postprocessMasks + thresholdMask", () => {
  thresholdMask(postprocessMasks(lowRes, { h: OH, w: OW }, { h: H, w: W }));
});
