import assert from "node:assert/strict";
import { fakeQuant } from "./fake_quant.ts";
import type { QuantizerParams } from "./quantizer_params.ts";
import { uniformParamsFromRange } from "./uniform_params_from_range.ts";

const f32 = (a: number[]) => new Float32Array(a);

Deno.test("fakeQuant() rounds half up and clamps the asymmetric grid (hand-computed)", () => {
  const p = uniformParamsFromRange([-1], [2], { bits: 2 }); // Δ = 1, z = 1, q ∈ [0, 3]
  const x = f32([-2, -1, -0.5, 0, 0.49, 0.5, 1.5, 2, 3]);
  assert.deepEqual([...fakeQuant(x, [9], p)], [-1, -1, 0, 0, 0, 1, 2, 2, 2]);
});

Deno.test("fakeQuant() uses q ∈ [−2^{b−1}, 2^{b−1} − 1] when symmetric", () => {
  const p: QuantizerParams = {
    kind: "uniform",
    bits: 2,
    symmetric: true,
    scale: f32([0.5]),
    zeroPoint: f32([0]),
  };
  // x/Δ: −3→⌊−2.5⌋=−3→clamp −2; −1.25→⌊−0.75⌋=−1; −0.5→⌊0⌋=0 (tie up); 0.5→⌊1⌋=1 (tie up); 0.75→1; 4→clamp 1
  const x = f32([-1.5, -0.625, -0.25, 0.25, 0.375, 2]);
  assert.deepEqual([...fakeQuant(x, [6], p)], [-1, -0.5, 0, 0.5, 0.5, 0.5]);
});

Deno.test("fakeQuant() applies per-channel Δ and z along axis 0 and axis 1", () => {
  const p: QuantizerParams = {
    kind: "uniform",
    bits: 8,
    symmetric: false,
    scale: f32([1, 0.5]),
    zeroPoint: f32([0, 2]),
    axis: 0,
  };
  const x = f32([0.4, 0.6, 1.4, 0.4, 0.6, -1.4]);
  // ch1: u = [0.8, 1.2, −2.8] → r = [1, 1, −3] → q = [3, 3, 0 (clamp −1)] → (q − 2)·0.5
  assert.deepEqual([...fakeQuant(x, [2, 3], p)], [0, 1, 1, 0.5, 0.5, -1]);
  const p1: QuantizerParams = { ...p, axis: 1 };
  assert.deepEqual([...fakeQuant(f32([0.4, 0.4, 0.6, -1.4]), [2, 2], p1)], [0, 0.5, 1, -1]);
});

Deno.test("fakeQuant() maps to the log2 grid, zeroes codes ≥ 2^b and saturates above s", () => {
  const p: QuantizerParams = { kind: "log", bits: 2, tau: 1, scale: 1 };
  const x = f32([1, 0.5, 0.3, 0.1, 0.05, 2, 0]);
  assert.deepEqual([...fakeQuant(x, [7], p)], [1, 0.5, 0.25, 0.125, 0, 1, 0]);
});

Deno.test("fakeQuant() maps to the log√2 grid when τ = 2", () => {
  const p: QuantizerParams = { kind: "log", bits: 3, tau: 2, scale: 0.5 };
  // −2·log2(0.35/0.5) = 1.029 → 1 → 0.5·2^{−1/2}; −2·log2(0.01/0.5) = 11.3 → ≥ 8 → 0
  const out = fakeQuant(f32([0.35, 0.01, 0.5 * 2 ** -3.5]), [3], p);
  assert.equal(out[0], Math.fround(0.5 * Math.SQRT1_2));
  assert.equal(out[1], 0);
  assert.equal(out[2], Math.fround(0.5 * 2 ** -3.5)); // code 7 = 2^b − 1 is the last level
});

Deno.test("fakeQuant() is idempotent on the uniform grid for random data", () => {
  const x = new Float32Array(1000);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 12.9898) * 3 + 0.5;
  const p = uniformParamsFromRange([-2.5], [3.5], { bits: 4 });
  const once = fakeQuant(x, [1000], p);
  assert.deepEqual(fakeQuant(once, [1000], p), once);
});
