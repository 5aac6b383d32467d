import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import { lpError } from "./lp_error.ts";
import { lpRangeSearch } from "./lp_range_search.ts";
import { minimizeScalarBounded } from "./minimize_scalar_bounded.ts";
import { percentileMseSearch } from "./percentile_mse_search.ts";

Deno.test("minimizeScalarBounded() reproduces scipy's bounded minimiser", () => {
  // /usr/bin/python3 -c 'from scipy.optimize import minimize_scalar; import numpy as np
  //   r = minimize_scalar(lambda x: (x-0.3)**2 + 0.1*np.sin(9*x), bounds=(0, 2), method="bounded"); print(r.x, r.nfev)'
  // scipy 1.10.1: 0.47832532954689877 (13 evals); cos on (3, 4): 3.1415914219206784 (8); −x on (0, 1): 0.9999940391390134 (25)
  const r = minimizeScalarBounded((x) => (x - 0.3) ** 2 + 0.1 * Math.sin(9 * x), 0, 2);
  // Math.sin and np.sin may differ in the last ulp, hence 1e-9 rather than bit equality.
  assert.ok(Math.abs(r.x - 0.47832532954689877) < 1e-9, `${r.x}`);
  assert.equal(r.evaluations, 13);
  const c = minimizeScalarBounded(Math.cos, 3, 4);
  assert.ok(Math.abs(c.x - 3.1415914219206784) < 1e-9);
  assert.equal(c.evaluations, 8);
  const e = minimizeScalarBounded((x) => -x, 0, 1);
  assert.ok(Math.abs(e.x - 0.9999940391390134) < 1e-12);
  assert.equal(e.evaluations, 25);
  assert.ok(!minimizeScalarBounded(Math.cos, 3, 4, { maxEvaluations: 3 }).converged);
});

Deno.test("lpError() is the mean |a − b|^p", () => {
  assert.equal(lpError([0, 0], [1, 2], 2), 2.5);
  assert.ok(Math.abs(lpError([0], [2], 2.4) - 2 ** 2.4) < 1e-12);
});

Deno.test("lpRangeSearch() returns the exact range for already-quantized data and clips outliers", () => {
  const grid = Array.from({ length: 160 }, (_, i) => (i % 16) * 0.25 - 1); // 4-bit grid on [−1, 2.75]
  const r = lpRangeSearch(grid, -1, 2.75, { bits: 4 });
  assert.equal(r.error, 0);
  assert.deepEqual([r.scale, r.zeroPoint], [0.25, 4]);
  const rng = createPrng(1);
  const x = Array.from({ length: 5000 }, () => rng.normal());
  x.push(40);
  const lo = Math.min(...x);
  const full = lpRangeSearch(x, lo, 40, { bits: 4, candidates: 1 }); // f = 1 only: MinMax
  const s = lpRangeSearch(x, lo, 40, { bits: 4 });
  assert.ok(s.max < 40 && s.error < full.error);
  const z = lpRangeSearch(x, lo, 40, { bits: 4, grid: "zero-point", candidates: 40 });
  assert.ok(z.error <= s.error, `${z.error} > ${s.error}`);
});

Deno.test("percentileMseSearch() picks a percentile per channel and the log√2 scale", () => {
  const rng = createPrng(2);
  const n = 20_000;
  // Channel 0: Gaussian with 10 huge outliers (MSE must keep them: p > 0.999); channel 1: uniform.
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i % 2000 === 0 ? 500 : rng.normal();
    x[2 * i + 1] = rng.next() * 4 - 2;
  }
  const r = percentileMseSearch(x, [n, 2], { kind: "uniform", bits: 4, axis: 1 });
  assert.ok(r.percentile[0]! > 0.999);
  assert.equal(r.params.kind, "uniform");
  if (r.params.kind === "uniform") {
    assert.equal(r.params.axis, 1);
    assert.ok(r.params.scale[0]! > 20 && r.params.scale[1]! > 0.25 && r.params.scale[1]! < 0.28);
    // The reported error is the MSE of the chosen per-channel quantizer, recomputed independently.
    const q = fakeQuant(x, [n, 2], r.params);
    const ch1 = (a: Float32Array) => a.filter((_, i) => i % 2 === 1);
    assert.ok(Math.abs(lpError(ch1(q), ch1(x), 2) - r.error[1]!) < 1e-6);
  }
  const attn = Float32Array.from({ length: 10_000 }, () => rng.next() ** 8);
  const l = percentileMseSearch(attn, [10_000], { kind: "log", bits: 4, tau: 2 });
  assert.equal(l.params.kind, "log");
  if (l.params.kind === "log") assert.ok(l.params.scale > 0.9 && l.params.scale <= 1);
});
