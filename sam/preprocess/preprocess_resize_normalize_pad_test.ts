import assert from "node:assert/strict";
import { join } from "node:path";
import { createPrng } from "../../util/prng.ts";
import { exists } from "../../util/fs.ts";
import { sha256Bytes } from "../../util/hash.ts";
import { sharedDataDir } from "../../util/paths.ts";
import { SamqError } from "../../util/errors.ts";
import { preprocessResizeNormalizePad } from "./preprocess_resize_normalize_pad.ts";
import { normalizeAndPad } from "./preprocess_normalize_and_pad.ts";
import { resizePillowBilinear } from "../../image/resize_pillow_bilinear.ts";
import { readImageRgb } from "../../image/read_image_rgb.ts";
import { preprocessShape } from "./preprocess_shape.ts";

const COCO_IMAGE = join(sharedDataDir(), "coco-tiny", "val2017", "000000397133.jpg");
const HAVE_COCO = await exists(COCO_IMAGE);
const manifest = JSON.parse(
  Deno.readTextFileSync(new URL("../../tests/fixtures/pillow/manifest.json", import.meta.url)),
);

function randomRgb(seed: number, h: number, w: number): Uint8Array {
  const rand = createPrng(seed);
  return Uint8Array.from({ length: h * w * 3 }, () => rand.int(256));
}

Deno.test("preprocessResizeNormalizePad() equals resize, then normalize and pad, bit for bit", () => {
  // Upscale, downscale, mixed, one axis kept (each pass skipped once), both kept, 1-pixel outputs.
  const cases = [
    [37, 53, 70, 101, 128],
    [37, 53, 20, 29, 32],
    [37, 53, 100, 20, 100],
    [37, 53, 37, 80, 80],
    [37, 53, 60, 53, 64],
    [37, 53, 37, 53, 53],
    [11, 200, 1, 1, 4],
  ] as const;
  for (const [i, [h, w, oh, ow, size]] of cases.entries()) {
    const rgb = randomRgb(i, h, w);
    for (const pixelScale of ["0-255", "0-1"] as const) {
      const opts = pixelScale === "0-1"
        ? { size, pixelScale, mean: [0.485, 0.456, 0.406] as const, std: [0.229, 0.224, 0.225] as const }
        : { size };
      const want = normalizeAndPad(resizePillowBilinear(rgb, h, w, oh, ow), oh, ow, opts);
      const got = preprocessResizeNormalizePad(rgb, h, w, oh, ow, opts);
      assert.deepEqual(got, want, `${h}x${w} -> ${oh}x${ow} in ${size} (${pixelScale})`);
    }
  }
});

Deno.test("preprocessResizeNormalizePad() overwrites a reused buffer completely, padding included", () => {
  const size = 64;
  const out = new Float32Array(3 * size * size).fill(Number.NaN);
  const a = randomRgb(1, 30, 50), b = randomRgb(2, 40, 20);
  const first = preprocessResizeNormalizePad(a, 30, 50, 38, 64, { size, out });
  assert.equal(first, out);
  // A taller, narrower image next: the previous image's columns ≥ 32 must become padding zeros.
  const second = preprocessResizeNormalizePad(b, 40, 20, 64, 32, { size, out });
  assert.deepEqual(second, preprocessResizeNormalizePad(b, 40, 20, 64, 32, { size }));
  assert.ok(second.every((v) => !Number.isNaN(v)));
});

Deno.test({
  name: "preprocessResizeNormalizePad() holds Pillow's pixels for a COCO image" +
    (HAVE_COCO ? "" : " (skipped: ../shared/data/coco-tiny missing)"),
  ignore: !HAVE_COCO,
  async fn() {
    const img = await readImageRgb(COCO_IMAGE);
    const { h, w } = preprocessShape(img.h, img.w);
    const t = preprocessResizeNormalizePad(img.data, img.h, img.w, h, w);
    // Invert the per-channel normalisation (one float per byte value) and hash the bytes like Pillow's output.
    const f = Math.fround;
    const mean = [123.675, 116.28, 103.53], std = [58.395, 57.12, 57.375];
    const inv = mean.map((m, c) => {
      const map = new Map<number, number>();
      for (let x = 0; x < 256; x++) map.set(f(f(x - f(m)) / f(std[c]!)), x);
      return map;
    });
    const bytes = new Uint8Array(h * w * 3);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) bytes[(y * w + x) * 3 + c] = inv[c]!.get(t[(c * 1024 + y) * 1024 + x]!)!;
      }
    }
    assert.equal(sha256Bytes(bytes), manifest.cases["000000397133.jpg"].outputs[0].sha256);
  },
});

Deno.test("preprocessResizeNormalizePad() rejects oversize outputs, wrong lengths and a wrong buffer", () => {
  const bad = (field: string) => (e: unknown) =>
    e instanceof SamqError && e.code === "invalid_argument" && e.field === field;
  const rgb = new Uint8Array(2 * 3 * 3);
  assert.throws(() => preprocessResizeNormalizePad(rgb, 2, 3, 5, 4, { size: 4 }), bad("size"));
  assert.throws(() => preprocessResizeNormalizePad(rgb, 2, 2, 2, 2, { size: 4 }), bad("rgb"));
  assert.throws(() => preprocessResizeNormalizePad(rgb, 2, 3, 0, 2, { size: 4 }), bad("outH"));
  assert.throws(
    () => preprocessResizeNormalizePad(rgb, 2, 3, 2, 2, { size: 4, out: new Float32Array(10) }),
    bad("out"),
  );
});
