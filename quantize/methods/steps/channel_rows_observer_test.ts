import assert from "node:assert/strict";
import { createPrng } from "../../../util/prng.ts";
import { SamqError } from "../../../util/errors.ts";
import { createChannelRowsObserver } from "./channel_rows_observer.ts";

Deno.test("createChannelRowsObserver() keeps every row and the exact per-run extremes when they fit", () => {
  const o = createChannelRowsObserver({ prng: createPrng(1), maxRows: 100, maxValues: 1000 });
  // run 1: [1, 2, 3] rows × 2 channels; run 2: [1, 1, 2]
  o.observe(Float32Array.of(1, -1, 5, 0, -2, 7), [1, 3, 2]);
  o.observe(Float32Array.of(3, 4), [1, 1, 2]);
  const s = o.finalize();
  assert.equal(s.channels, 2);
  assert.equal(s.rows, 4);
  assert.equal(s.rowsSeen, 4);
  assert.deepEqual([...s.values], [1, -1, 5, 0, -2, 7, 3, 4]);
  assert.deepEqual(s.runMin.map((m) => [...m]), [[-2, -1], [3, 4]]);
  assert.deepEqual(s.runMax.map((m) => [...m]), [[5, 7], [3, 4]]);
});

Deno.test("createChannelRowsObserver() samples whole rows uniformly within its bounds", () => {
  const C = 4;
  const o = createChannelRowsObserver({ prng: createPrng(2), maxRows: 1000, maxValues: 200 });
  const rows = 5000;
  for (let run = 0; run < 5; run++) {
    // Row r holds r in every channel, so a kept row must be constant across channels.
    const x = new Float32Array((rows / 5) * C);
    for (let i = 0; i < rows / 5; i++) x.fill(run * (rows / 5) + i, i * C, (i + 1) * C);
    o.observe(x, [rows / 5, C]);
  }
  const s = o.finalize();
  assert.equal(s.rows, 50, "maxValues / C rows");
  assert.equal(s.rowsSeen, rows);
  assert.ok(o.bufferedValues() <= 200 + 2 * C * 5);
  for (let r = 0; r < s.rows; r++) {
    const row = s.values.subarray(r * C, (r + 1) * C);
    assert.ok(row.every((v) => v === row[0]), "rows are kept whole");
  }
  // Uniform over [0, 5000): the mean of 50 draws lies well within 2500 ± 4σ (σ ≈ 1443/√50 ≈ 204).
  let mean = 0;
  for (let r = 0; r < s.rows; r++) mean += s.values[r * C]! / s.rows;
  assert.ok(Math.abs(mean - 2500) < 820, `mean ${mean}`);
});

Deno.test("createChannelRowsObserver() refuses a changing channel count", () => {
  const o = createChannelRowsObserver({ prng: createPrng(3), maxRows: 10, maxValues: 100 });
  o.observe(new Float32Array(6), [3, 2]);
  assert.throws(
    () => o.observe(new Float32Array(6), [2, 3]),
    (e: unknown) => e instanceof SamqError && e.field === "shape",
  );
});
