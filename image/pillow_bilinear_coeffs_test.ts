import assert from "node:assert/strict";
import { pillowBilinearCoeffs } from "./pillow_bilinear_coeffs.ts";

const ONE = 1 << 22;

Deno.test("pillowBilinearCoeffs() averages two inputs into one output with half weights", () => {
  const c = pillowBilinearCoeffs(2, 1);
  assert.equal(c.ksize, 5); // support 2 → ceil(2)·2 + 1
  assert.deepEqual([c.xmin[0], c.count[0]], [0, 2]);
  assert.deepEqual(Array.from(c.k.subarray(0, 2)), [ONE / 2, ONE / 2]);
});

Deno.test("pillowBilinearCoeffs() gives 3/4 and 1/4 weights when upsampling 2 → 4", () => {
  // center = (o + 0.5)·0.5: o = 1 → 0.75, taps at 0 and 1 with tri(0.25) = 0.75, tri(0.75) = 0.25.
  const c = pillowBilinearCoeffs(2, 4);
  assert.deepEqual([c.xmin[1], c.count[1]], [0, 2]);
  assert.deepEqual(Array.from(c.k.subarray(c.ksize, c.ksize + 2)), [0.75 * ONE, 0.25 * ONE]);
  // o = 0: center 0.25, only input 0 lies in the support (xmin clamps at 0): weight 1.
  assert.deepEqual([c.xmin[0], c.count[0], c.k[0]], [0, 1, ONE]);
});

Deno.test("pillowBilinearCoeffs() taps are non-negative, in range and sum to 2^22 within rounding", () => {
  for (const [inS, outS] of [[640, 1024], [1024, 683], [3000, 1024], [37, 101], [7, 7]] as const) {
    const c = pillowBilinearCoeffs(inS, outS);
    for (let o = 0; o < outS; o++) {
      const n = c.count[o]!;
      assert.ok(n >= 1 && n <= c.ksize && c.xmin[o]! >= 0 && c.xmin[o]! + n <= inS, `${inS}->${outS} o=${o}`);
      let sum = 0;
      for (let t = 0; t < n; t++) {
        assert.ok(c.k[o * c.ksize + t]! >= 0);
        sum += c.k[o * c.ksize + t]!;
      }
      assert.ok(Math.abs(sum - ONE) <= n, `${inS}->${outS} o=${o}: sum ${sum}`);
    }
  }
});
