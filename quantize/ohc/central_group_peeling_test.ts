import assert from "node:assert/strict";
import { centralGroupPeeling } from "./central_group_peeling.ts";

/** rows × channels where every row is the same ramp of per-channel values (row subsampling is lossless). */
function repeatedRows(rows: number, row: readonly number[]): Float32Array {
  const out = new Float32Array(rows * row.length);
  for (let r = 0; r < rows; r++) out.set(row, r * row.length);
  return out;
}

Deno.test("centralGroupPeeling() hand-worked: bulk first, then the outlying channels one by one", () => {
  // Channels are constant (ℓ = u = the value). Step 1: the pool is 0, 1, 2, 10 eight times each (32
  // values); numpy linear Q_.25 sits at 7.75 → 0 + 0.75·(1 − 0) = 0.75, Q_.75 at 23.25 → 2 + 0.25·8 = 4,
  // so G = {1, 2}. Step 2: the pool is 0 and 10 eight times each; Q_.25 at 3.75 → 0, Q_.75 at 11.25 → 10,
  // so both remaining channels lie inside: G = {0, 3}.
  const groups = centralGroupPeeling(repeatedRows(8, [0, 1, 2, 10]), { rows: 8, channels: 4 });
  assert.deepEqual(groups, [[1, 2], [0, 3]]);
});

Deno.test("centralGroupPeeling() samples every channel when the tensor pool is capped (no stride aliasing)", () => {
  // 6 channels, 64 identical rows: any whole-row sample has the same value shares as the full tensor, so
  // the groups must not depend on the cap (kept ≥ 16 rows so that interpolated quantiles agree). A flat
  // stride of 2 over the 6 channels would see channels 0, 2, 4 only.
  const row = [0.5, 9, 0.6, 8, 0.4, 7];
  const full = centralGroupPeeling(repeatedRows(64, row), { rows: 64, channels: 6 });
  for (const cap of [64 * 6 - 1, 64 * 3, 130, 96]) {
    const capped = centralGroupPeeling(repeatedRows(64, row), { rows: 64, channels: 6 }, {
      maxTensorValues: cap,
    });
    assert.deepEqual(capped, full, `maxTensorValues ${cap}`);
  }
  assert.deepEqual(full.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
});
