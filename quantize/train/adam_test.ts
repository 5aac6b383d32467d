import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { ADAM_DEFAULTS, adamUpdate, createAdamMoments, resolveAdamOptions } from "./adam.ts";

Deno.test("adamUpdate() matches hand-computed updates for two steps", () => {
  // lr 0.1, β = (0.9, 0.999), ε = 1e-8; g₁ = (0.5, −1), g₂ = (0.1, 0.3).
  // Step 1: m̂ = g₁, v̂ = g₁², p −= 0.1·g₁/(|g₁| + ε) → (0.900000002, −1.900000001).
  // Step 2: m = (0.055, −0.06), v = (0.00025975, 0.001089); m̂ = m/0.19, v̂ = v/0.001999.
  const p = Float64Array.of(1, -2);
  const moments = createAdamMoments(2);
  const opts = { betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0 };
  adamUpdate(p, [0.5, -1], moments, 1, 0.1, opts);
  assert.ok(Math.abs(p[0]! - 0.900000002) < 1e-15 && Math.abs(p[1]! + 1.900000001) < 1e-15, String(p));
  adamUpdate(p, [0.1, 0.3], moments, 2, 0.1, opts);
  const mhat = [0.055 / 0.19, -0.06 / 0.19];
  const vhat = [0.00025975 / 0.001999, 0.001089 / 0.001999];
  const expected = [
    0.900000002 - 0.1 * mhat[0]! / (Math.sqrt(vhat[0]!) + 1e-8),
    -1.900000001 - 0.1 * mhat[1]! / (Math.sqrt(vhat[1]!) + 1e-8),
  ];
  assert.ok(
    Math.abs(p[0]! - 0.8196959063846518) < 1e-12 && Math.abs(p[0]! - expected[0]!) < 1e-12,
    String(p),
  );
  assert.ok(
    Math.abs(p[1]! + 1.8572151424292265) < 1e-12 && Math.abs(p[1]! - expected[1]!) < 1e-12,
    String(p),
  );
  assert.ok(Math.abs(moments.m[0]! - 0.055) < 1e-15 && Math.abs(moments.v[1]! - 0.001089) < 1e-15);
});

Deno.test("adamUpdate() applies decoupled weight decay before the step", () => {
  // β = (0, 0): m = g, v = g², so the Adam part is lr·g/(|g| + ε) = lr·sign(g) for ε ≪ |g|.
  const p = Float32Array.of(2);
  adamUpdate(p, [4], createAdamMoments(1), 1, 0.5, { betas: [0, 0], eps: 1e-12, weightDecay: 0.1 });
  assert.equal(p[0], Math.fround(2 * (1 - 0.5 * 0.1) - 0.5)); // 1.4
});

Deno.test("resolveAdamOptions() fills PyTorch's defaults and rejects out-of-range values with the field", () => {
  assert.deepEqual(resolveAdamOptions({ lr: 0.01 }), { ...ADAM_DEFAULTS, lr: 0.01 });
  for (
    const [bad, field] of [[{ lr: -1 }, "optimizer.lr"], [{ betas: [0.9, 1] as const }, "optimizer.betas"], [{
      eps: 0,
    }, "optimizer.eps"]] as const
  ) {
    assert.throws(
      () => resolveAdamOptions(bad),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === field,
    );
  }
});
