import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { createReservoirObserver } from "./reservoir_observer.ts";
import { createHistogramObserver } from "./histogram_observer.ts";
import { histogramQuantile } from "./histogram_quantile.ts";
import { createPercentileObserver } from "./percentile_observer.ts";
import { createLpObserver } from "./lp_observer.ts";
import type { Observer } from "./observer.ts";

function ramp(batch: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => batch * n + i);
}

Deno.test("createReservoirObserver() keeps its buffers at the cap over 1,000 batches", () => {
  const o = createReservoirObserver({ prng: createPrng(1), capacity: 2000 });
  o.observe(ramp(0, 500), [500]);
  const cap = o.bufferedValues();
  for (let b = 1; b < 1000; b++) o.observe(ramp(b, 500), [500]);
  assert.equal(o.bufferedValues(), cap);
  const s = o.finalize();
  assert.equal(s.samples[0]!.length, 2000);
  assert.equal(s.count, 500_000);
  assert.deepEqual([s.min[0], s.max[0]], [0, 499_999]);
  // A uniform sample of 0..499999: its mean is near 250000 (sd of the mean ≈ 3.2e3).
  const mean = s.samples[0]!.reduce((a, v) => a + v, 0) / 2000;
  assert.ok(Math.abs(mean - 250_000) < 16_000, `mean ${mean}`);
  // Every batch is represented roughly in proportion: the first and last halves each hold ~1000.
  const firstHalf = s.samples[0]!.filter((v) => v < 250_000).length;
  assert.ok(Math.abs(firstHalf - 1000) < 150, `first half ${firstHalf}`);
});

Deno.test("createReservoirObserver() is deterministic for a seed and splits capacity per channel", () => {
  const run = () => {
    const o = createReservoirObserver({ prng: createPrng(7), capacity: 30, axis: 1 });
    for (let b = 0; b < 50; b++) o.observe(ramp(b, 30), [10, 3]);
    return o.finalize();
  };
  const a = run();
  assert.deepEqual(a, run());
  assert.equal(a.samples.length, 3);
  assert.equal(a.samples[1]!.length, 10);
  // Channel 1 holds values ≡ 1 (mod 3) only.
  assert.ok(a.samples[1]!.every((v) => v % 3 === 1));
});

Deno.test("observers keep memory bounded over 1,000 batches", () => {
  const prng = createPrng(3);
  const make: Array<() => Observer<unknown>> = [
    () => createHistogramObserver({ bins: 64, axis: 1 }),
    () => createPercentileObserver({ prng, capacity: 512 }),
    () => createPercentileObserver({ prng, estimator: "histogram", bins: 128 }),
    () => createLpObserver({ prng, bits: 4, capacity: 256 }),
    () => createLpObserver({ prng, bits: 4, capacity: 256, mode: "average", candidates: 10, axis: 1 }),
  ];
  for (const m of make) {
    const o = m();
    o.observe(ramp(0, 64), [16, 4]);
    const cap = o.bufferedValues();
    for (let b = 1; b < 1000; b++) o.observe(ramp(b, 64), [16, 4]);
    assert.equal(o.bufferedValues(), cap);
    o.finalize();
  }
});

Deno.test("createHistogramObserver() grows its range exactly and gives close quantiles", () => {
  const o = createHistogramObserver({ bins: 1024 });
  for (let b = 0; b < 100; b++) o.observe(ramp(b, 1000).map((v) => v - 50_000), [1000]);
  const h = o.finalize().histograms[0]!;
  assert.equal(h.counts.reduce((a, v) => a + v, 0), 100_000);
  assert.deepEqual([h.min, h.max], [-50_000, 49_999]);
  assert.ok(Math.abs(histogramQuantile(h, 0.5) - 0) < 200);
  assert.ok(Math.abs(histogramQuantile(h, 0.99) - 49_000) < 200);
  assert.equal(histogramQuantile(h, 1), 49_999);
});
