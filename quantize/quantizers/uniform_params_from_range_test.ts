import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { uniformParamsFromRange } from "./uniform_params_from_range.ts";

Deno.test("uniformParamsFromRange() widens to 0 and computes Δ, z by the observer rule", () => {
  const p = uniformParamsFromRange([-1], [2], { bits: 2 });
  assert.deepEqual([...p.scale], [1]);
  assert.deepEqual([...p.zeroPoint], [1]);
  const pos = uniformParamsFromRange([0.5], [1], { bits: 8 });
  assert.equal(pos.scale[0], Math.fround(1 / 255));
  assert.equal(pos.zeroPoint[0], 0);
  const neg = uniformParamsFromRange([-4], [-2], { bits: 2 });
  assert.deepEqual([...neg.scale], [Math.fround(4 / 3)]);
  assert.deepEqual([...neg.zeroPoint], [3]);
});

Deno.test("uniformParamsFromRange() rounds the zero-point half up on ties", () => {
  // min/Δ = −0.375/0.25 = −1.5 → ⌊−1.5 + 0.5⌋ = −1 → z = 1 (half-to-even would give 2).
  const p = uniformParamsFromRange([-0.375], [0.375], { bits: 2 });
  assert.equal(p.scale[0], 0.25);
  assert.equal(p.zeroPoint[0], 1);
});

Deno.test("uniformParamsFromRange() makes symmetric Δ = max|x|/((2^b − 1)/2) with z = 0", () => {
  const p = uniformParamsFromRange([-1], [0.5], { bits: 4, symmetric: true });
  assert.ok(Math.abs(p.scale[0]! - 2 / 15) < 1e-7);
  assert.equal(p.zeroPoint[0], 0);
});

Deno.test("uniformParamsFromRange() bounds Δ below by 1e-8 and keeps per-channel axis", () => {
  const p = uniformParamsFromRange([0, -1], [0, 1], { bits: 8, axis: 1 });
  assert.equal(p.axis, 1);
  assert.equal(p.scale[0], Math.fround(1e-8));
  assert.equal(p.zeroPoint[0], 0);
  assert.equal(p.scale[1], Math.fround(2 / 255));
  // float32 Δ = 0.0078431377 > 2/255, so min/Δ = −127.49999 → z = 127.
  assert.equal(p.zeroPoint[1], 127);
});

Deno.test("uniformParamsFromRange() leaves z unclamped and 0 unincluded when asked (RepQ-ViT)", () => {
  const p = uniformParamsFromRange([1], [4], { bits: 2, includeZero: false, clampZeroPoint: false });
  assert.equal(p.scale[0], 1);
  assert.equal(p.zeroPoint[0], -1);
});

Deno.test("uniformParamsFromRange() throws invalid_argument when bits is out of range", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => uniformParamsFromRange([0], [1], { bits: 9 as any }),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "bits",
  );
  assert.throws(
    () => uniformParamsFromRange([0, 0], [1, 1], { bits: 8 }),
    (e: unknown) => e instanceof SamqError && e.field === "axis",
  );
});
