import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { createPercentileObserver } from "./percentile_observer.ts";

function normals(seed: number, n: number): Float32Array {
  const r = createPrng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

Deno.test("createPercentileObserver() estimates normal quantiles with both estimators", () => {
  // Q_0.99 of N(0,1) = 2.3263
  for (const estimator of ["reservoir", "histogram"] as const) {
    const o = createPercentileObserver({
      prng: createPrng(5),
      percentile: 0.99,
      estimator,
      capacity: 50_000,
    });
    for (let b = 0; b < 20; b++) o.observe(normals(b, 10_000), [100, 100]);
    const s = o.finalize();
    assert.ok(Math.abs(s.max[0]! - 2.3263) < 0.06, `${estimator} max ${s.max[0]}`);
    assert.ok(Math.abs(s.min[0]! + 2.3263) < 0.06, `${estimator} min ${s.min[0]}`);
  }
});

Deno.test("createPercentileObserver() gives per-channel ranges along axis", () => {
  const o = createPercentileObserver({ prng: createPrng(6), percentile: 1, lower: 0, axis: 1 });
  o.observe(new Float32Array([1, 10, 2, 20, 3, 30]), [3, 2]);
  const s = o.finalize();
  assert.deepEqual([...s.min], [1, 10]);
  assert.deepEqual([...s.max], [3, 30]);
});
