import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { squaredDistanceTransform } from "./squared_distance_transform.ts";

function bruteForce(mask: Uint8Array, h: number, w: number): Float64Array {
  const out = new Float64Array(h * w).fill(Infinity);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let v = 0; v < h; v++) {
        for (let u = 0; u < w; u++) {
          if (!mask[v * w + u]) out[y * w + x] = Math.min(out[y * w + x]!, (x - u) ** 2 + (y - v) ** 2);
        }
      }
    }
  }
  return out;
}

Deno.test("squaredDistanceTransform() gives hand-worked squared distances on a 5×5 square", () => {
  const m = new Uint8Array(25);
  for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) m[y * 5 + x] = 1;
  const d = squaredDistanceTransform(m, 5, 5);
  assert.deepEqual(Array.from(d.subarray(5, 10)), [0, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(d.subarray(10, 15)), [0, 1, 4, 1, 0]);
});

Deno.test("squaredDistanceTransform() uses the Euclidean (not city-block) distance", () => {
  // Only (0, 0) is background in a 3×3 image: (2, 2) is at squared distance 8.
  const m = Uint8Array.from([0, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(squaredDistanceTransform(m, 3, 3)), [0, 1, 4, 1, 2, 5, 4, 5, 8]);
});

Deno.test("squaredDistanceTransform() gives Infinity when there is no zero pixel", () => {
  assert.deepEqual(Array.from(squaredDistanceTransform(Uint8Array.from([1, 1]), 1, 2)), [Infinity, Infinity]);
});

Deno.test("squaredDistanceTransform() matches brute force on random masks", () => {
  const prng = createPrng(7);
  for (let t = 0; t < 30; t++) {
    const h = 1 + prng.int(12), w = 1 + prng.int(12);
    const density = prng.next();
    const m = Uint8Array.from({ length: h * w }, () => (prng.next() < density ? 1 : 0));
    assert.deepEqual(Array.from(squaredDistanceTransform(m, h, w)), Array.from(bruteForce(m, h, w)));
  }
});
