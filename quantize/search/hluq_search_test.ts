import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { searchHluq } from "./hluq_search.ts";

Deno.test("searchHluq() picks the (range_rate, grid_rate) pair whose grid the next Linear sees exactly", () => {
  // cin = 2, cout = 1, W = [1, 0]: only channel 0 reaches the output. Range [0, 8], 3 bits: the pair
  // (0.5, 1/4) has s_log = 4 and L = 2, so levels 0, 2, 4, … hold channel 0's values 0, 2, 4 exactly.
  const rows = Float32Array.of(0, 0.3, 2, 7.7, 4, 1.1, 8, 5);
  const r = searchHluq({
    rows,
    cin: 2,
    weight: Float32Array.of(1, 0),
    cout: 1,
    min: 0,
    max: 8,
    bits: 3,
    rangeRates: [0.1, 0.5],
    gridRates: [1 / 8, 1 / 4],
  });
  assert.deepEqual([r.rangeRate, r.gridRate], [0.5, 0.25]);
  assert.deepEqual([r.params.scaleLog, r.params.logLevels], [4, 2]);
  // x = 8 lands on the uniform part: s_uni = 8·0.5/(7·0.75) = 0.7619…, q = round(4/s_uni) = 5 → 7.8095…
  const e = r.candidates.find((c) => c.rangeRate === 0.5 && c.gridRate === 0.25)!.error;
  const s = 4 / 5.25;
  assert.ok(Math.abs(e - (8 - (4 + 5 * s)) ** 2 / 4) < 1e-6, `${e}`);
  // (0.5, 1/8): L = 1, so x = 2 (code 1 ≥ L) falls to 0: error ≥ 2²/4.
  assert.ok(r.candidates.find((c) => c.rangeRate === 0.5 && c.gridRate === 0.125)!.error >= 1);
  assert.equal(r.candidates.length, 4);
});

Deno.test("searchHluq() skips grid rates that do not give whole log levels and fails when none does", () => {
  const base = { rows: Float32Array.of(0, 1), cin: 1, weight: Float32Array.of(1), cout: 1, min: 0, max: 1 };
  const r = searchHluq({ ...base, bits: 2, rangeRates: [0.3], gridRates: [1 / 8, 1 / 4] });
  assert.deepEqual(r.candidates.map((c) => c.gridRate), [0.25]);
  assert.throws(
    () => searchHluq({ ...base, bits: 2, rangeRates: [0.3], gridRates: [1 / 8] }),
    (e: unknown) => e instanceof SamqError && e.field === "hluqGridRates",
  );
});
