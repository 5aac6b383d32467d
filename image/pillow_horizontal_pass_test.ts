import assert from "node:assert/strict";
import { createPrng } from "../util/prng.ts";
import { pillowBilinearCoeffs } from "./pillow_bilinear_coeffs.ts";
import { pillowHorizontalPass } from "./pillow_horizontal_pass.ts";

/** Direct transcription of Pillow's ImagingResampleHorizontal_8bpc inner loop (one sample at a time). */
function reference(src: Uint8Array, w: number, ch: number, row0: number, rows: number, outW: number) {
  const c = pillowBilinearCoeffs(w, outW);
  const out = new Uint8Array(rows * outW * ch);
  for (let y = 0; y < rows; y++) {
    for (let o = 0; o < outW; o++) {
      for (let b = 0; b < ch; b++) {
        let ss = 1 << 21;
        for (let t = 0; t < c.count[o]!; t++) {
          ss += src[((y + row0) * w + c.xmin[o]! + t) * ch + b]! * c.k[o * c.ksize + t]!;
        }
        out[(y * outW + o) * ch + b] = ss >= 1 << 30 ? 255 : ss <= 0 ? 0 : Math.floor(ss / (1 << 22));
      }
    }
  }
  return out;
}

Deno.test("pillowHorizontalPass() equals Pillow's per-sample loop for RGB and other channel counts", () => {
  const rand = createPrng(11);
  for (
    const [h, w, outW, ch, row0, rows] of [
      [9, 40, 64, 3, 2, 5], // upscale, row window
      [6, 64, 17, 3, 0, 6], // downscale (many taps)
      [5, 30, 31, 1, 1, 3],
      [4, 21, 8, 4, 0, 4],
    ] as const
  ) {
    const src = Uint8Array.from({ length: h * w * ch }, () => rand.int(256));
    // Saturated pixels exercise the clip at 255.
    src.fill(255, 0, Math.min(src.length, 3 * ch));
    const got = pillowHorizontalPass(src, w, ch, row0, rows, pillowBilinearCoeffs(w, outW), outW);
    assert.deepEqual(got, reference(src, w, ch, row0, rows, outW), `${h}x${w}x${ch} -> ${outW}`);
  }
});
