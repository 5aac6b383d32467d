import assert from "node:assert/strict";
import { bilinearResizeHalfPixel } from "./bilinear_resize_half_pixel.ts";
import { SamqError } from "../util/errors.ts";
import { createPrng } from "../util/prng.ts";

/** PyTorch's per-pixel `cpu_upsample_linear` arithmetic (float32 each step), without the separable row cache. */
function perPixelReference(
  src: Float32Array,
  c: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
) {
  const f = Math.fround;
  const taps = (inS: number, outS: number, d: number) => {
    let s = f(f(f(inS / outS) * (d + 0.5)) - 0.5);
    if (s < 0) s = 0;
    const i0 = Math.min(Math.floor(s), inS - 1);
    const l1 = Math.min(Math.max(f(s - i0), 0), 1);
    return { i0, i1: i0 + (i0 < inS - 1 ? 1 : 0), w0: f(1 - l1), w1: l1 };
  };
  const out = new Float32Array(c * outH * outW);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < outH; y++) {
      const ty = taps(inH, outH, y);
      for (let x = 0; x < outW; x++) {
        const tx = taps(inW, outW, x);
        const v = (yy: number, xx: number) => src[(ch * inH + yy) * inW + xx]!;
        const top = f(f(v(ty.i0, tx.i0) * tx.w0) + f(v(ty.i0, tx.i1) * tx.w1));
        const bottom = f(f(v(ty.i1, tx.i0) * tx.w0) + f(v(ty.i1, tx.i1) * tx.w1));
        out[(ch * outH + y) * outW + x] = f(f(top * ty.w0) + f(bottom * ty.w1));
      }
    }
  }
  return out;
}

Deno.test("bilinearResizeHalfPixel() upsamples with half-pixel centres and edge clamping", () => {
  const out = bilinearResizeHalfPixel(new Float32Array([0, 1]), 1, 1, 2, 1, 4);
  assert.deepEqual(Array.from(out), [0, 0.25, 0.75, 1]);
});

Deno.test("bilinearResizeHalfPixel() downsamples without antialias", () => {
  // 8 → 2: src = 4·(d + 0.5) − 0.5 = 1.5 and 5.5, i.e. only the two middle taps of each half.
  const row = new Float32Array([0, 10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(Array.from(bilinearResizeHalfPixel(row, 1, 1, 8, 1, 2)), [15, 55]);
});

Deno.test("bilinearResizeHalfPixel() is the identity at equal sizes and handles channels", () => {
  const src = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.fround(Math.sin(i) * 7));
  assert.deepEqual(bilinearResizeHalfPixel(src, 2, 3, 5, 3, 5), src);
});

Deno.test("bilinearResizeHalfPixel() uses float32 weights like PyTorch", () => {
  // 3 → 7: scale = f32(3/7) is inexact; output 2 has src = f32(f32(scale · 2.5) − 0.5), i0 = 0, λ1 = src.
  const out = bilinearResizeHalfPixel(new Float32Array([0, 1, 0]), 1, 1, 3, 1, 7);
  const f = Math.fround;
  const src2 = f(f(f(3 / 7) * 2.5) - 0.5);
  assert.equal(out[2], src2);
  assert.equal(out[2], 0.5714285373687744);
  assert.ok(out.every((v) => v === Math.fround(v)));
});

Deno.test("bilinearResizeHalfPixel() crop equals the top-left window of the full output", () => {
  const src = Float32Array.from({ length: 4 * 6 }, (_, i) => (i * 37) % 11 - 5);
  const full = bilinearResizeHalfPixel(src, 1, 4, 6, 16, 24);
  const crop = bilinearResizeHalfPixel(src, 1, 4, 6, 16, 24, { cropH: 9, cropW: 13 });
  for (let y = 0; y < 9; y++) {
    for (let x = 0; x < 13; x++) assert.equal(crop[y * 13 + x], full[y * 24 + x]);
  }
});

Deno.test("bilinearResizeHalfPixel() equals the per-pixel float32 formula bit for bit (up, down, mixed)", () => {
  const rand = createPrng(5);
  for (
    const [c, inH, inW, outH, outW] of [
      [2, 16, 16, 64, 64],
      [1, 48, 64, 30, 40],
      [1, 7, 3, 2, 11],
      [1, 1, 5, 4, 5],
      [3, 9, 9, 9, 9],
    ] as const
  ) {
    const src = Float32Array.from({ length: c * inH * inW }, () => Math.fround(rand.normal() * 4));
    const got = bilinearResizeHalfPixel(src, c, inH, inW, outH, outW);
    const want = perPixelReference(src, c, inH, inW, outH, outW);
    assert.ok(got.every((v, i) => Object.is(v, want[i])), `${c}x${inH}x${inW} -> ${outH}x${outW}`);
  }
});

Deno.test("bilinearResizeHalfPixel() rejects bad sizes", () => {
  const bad = (e: unknown) => e instanceof SamqError && e.code === "invalid_argument";
  assert.throws(() => bilinearResizeHalfPixel(new Float32Array(3), 1, 1, 2, 1, 4), bad);
  assert.throws(() => bilinearResizeHalfPixel(new Float32Array(2), 1, 1, 2, 0, 4), bad);
  assert.throws(() => bilinearResizeHalfPixel(new Float32Array(2), 1, 1, 2, 1, 4, { cropW: 5 }), bad);
});
