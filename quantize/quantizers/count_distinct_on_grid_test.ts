import assert from "node:assert/strict";
import { countDistinctOnGrid } from "./count_distinct_on_grid.ts";
import { fakeQuant } from "./fake_quant.ts";
import type { QuantizerParams } from "./quantizer_params.ts";
import { uniformParamsFromRange } from "./uniform_params_from_range.ts";
import { createPrng } from "../../util/prng.ts";

function randn(n: number, seed: number, sd = 1): Float32Array {
  const rng = createPrng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * sd);
}

Deno.test("countDistinctOnGrid() passes a fake-quantized tensor with ≤ 2^b values", () => {
  const x = randn(5000, 1);
  const p = uniformParamsFromRange([-2], [2], { bits: 4 });
  const r = countDistinctOnGrid(fakeQuant(x, [5000], p), [5000], p);
  assert.equal(r.maxLevels, 16);
  assert.equal(r.offGrid, 0);
  assert.ok(r.maxDistinct <= 16 && r.maxDistinct >= 12);
  assert.ok(r.ok);
});

Deno.test("countDistinctOnGrid() flags an unquantized tensor as off-grid", () => {
  const x = randn(1000, 2);
  const p = uniformParamsFromRange([-2], [2], { bits: 4 });
  const r = countDistinctOnGrid(x, [1000], p);
  assert.ok(r.offGrid > 900);
  assert.ok(!r.ok);
});

Deno.test("countDistinctOnGrid() counts per channel when per-channel", () => {
  const x = randn(4 * 300, 3);
  const p = uniformParamsFromRange([-1, -2, -3, -4], [1, 2, 3, 4], { bits: 3, axis: 0 });
  const r = countDistinctOnGrid(fakeQuant(x, [4, 300], p), [4, 300], p);
  assert.ok(r.ok);
  assert.ok(r.maxDistinct <= 8 && r.totalDistinct > 8);
});

Deno.test("countDistinctOnGrid() accepts the log grid plus zero (2^b + 1 values)", () => {
  const rng = createPrng(4);
  const a = Float32Array.from({ length: 4000 }, () => rng.next() ** 6);
  const p: QuantizerParams = { kind: "log", bits: 3, tau: 2, scale: 0.9 };
  const r = countDistinctOnGrid(fakeQuant(a, [4000], p), [4000], p);
  assert.equal(r.maxLevels, 9);
  assert.ok(r.ok);
  assert.equal(r.maxDistinct, 9);
  assert.ok(!countDistinctOnGrid(a, [4000], p).ok);
});
