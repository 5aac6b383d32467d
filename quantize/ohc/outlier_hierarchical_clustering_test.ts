import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { SamqError } from "../../util/errors.ts";
import { centralGroupPeeling } from "./central_group_peeling.ts";
import { iqrFence } from "./iqr_fence.ts";
import { ohcInit } from "./ohc_init.ts";
import { outlierHierarchicalClustering } from "./outlier_hierarchical_clustering.ts";

/** rows × C samples; channel c ~ N(mean[c], sd[c]). */
function makeData(rows: number, mean: number[], sd: number[], seed: number): Float32Array {
  const r = createPrng(seed);
  const C = sd.length;
  const x = new Float32Array(rows * C);
  for (let i = 0; i < rows; i++) for (let c = 0; c < C; c++) x[i * C + c] = mean[c]! + sd[c]! * r.normal();
  return x;
}

Deno.test("iqrFence() computes [Q1 − λ·IQR, Q3 + λ·IQR] with numpy quartiles", () => {
  // numpy.quantile(1..100, [.25, .75]) = [25.75, 75.25]; IQR 49.5
  const f = iqrFence(Array.from({ length: 100 }, (_, i) => i + 1));
  assert.deepEqual(f, { q1: 25.75, q3: 75.25, lo: 25.75 - 495, hi: 75.25 + 495 });
  assert.deepEqual(iqrFence([1, 2, 3, 4, 5], { lambda: 1.5 }), { q1: 2, q3: 4, lo: -1, hi: 7 });
});

Deno.test("outlierHierarchicalClustering() recovers known groups in hierarchy order", () => {
  // 8 bulk channels N(0,1), 3 channels N(0,10), 1 channel N(0,100), shuffled positions.
  const sd = [1, 10, 1, 1, 100, 1, 10, 1, 1, 10, 1, 1];
  const x = makeData(3000, sd.map(() => 0), sd, 11);
  const r = outlierHierarchicalClustering(x, { rows: 3000, channels: 12 });
  assert.deepEqual(r.groups, [[0, 2, 3, 5, 7, 8, 10, 11], [1, 6, 9], [4]]);
  assert.deepEqual([...r.groupOf], [0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 0, 0]);
  // Fence: quartiles ≈ ±1.07 → λ = 10 gives about ±22.5; the N(0,100) channel is truncated to it.
  assert.ok(r.fence.hi > 20 && r.fence.hi < 25, `fence ${r.fence.hi}`);
  // os+ init: bulk scale 1, larger groups scaled by their truncated range ratio, shifts near 0.
  assert.equal(r.scale[0], 1);
  // Both outlying groups reach the fence on both sides, so their truncated ranges (and scales) agree.
  assert.ok(r.scale[1]! > 3 && r.scale[2]! >= r.scale[1]!, `scales ${[...r.scale]}`);
  for (const v of r.shift.slice(0, 2)) assert.ok(Math.abs(v) < 2);
  assert.equal(r.channelScale[4], r.scale[2]);
});

Deno.test("centralGroupPeeling() keeps shifted channels out of the bulk group", () => {
  // 8 channels N(0,1), 2 at N(30,1) and 2 at N(−30,1): the tensor's quartiles stay near the bulk's.
  const mean = [0, 30, 0, 0, -30, 0, 0, 30, 0, -30, 0, 0];
  const x = makeData(2000, mean, mean.map(() => 1), 12);
  const groups = centralGroupPeeling(x, { rows: 2000, channels: 12 });
  assert.deepEqual(groups[0], [0, 2, 3, 5, 6, 8, 10, 11]);
  assert.deepEqual(groups.flat().sort((a, b) => a - b), Array.from({ length: 12 }, (_, c) => c));
});

Deno.test("centralGroupPeeling() falls back to the channel whose median is closest to (L + U)/2", () => {
  // Columns c0 = 0..3, c1 = 10..13: L = 1.75, U = 11.25, no channel fits; medians 1.5 and 11.5 are both
  // 5 from the mid-point 6.5, and the tie goes to the lower channel index.
  const y = new Float32Array([0, 10, 1, 11, 2, 12, 3, 13]);
  assert.deepEqual(centralGroupPeeling(y, { rows: 4, channels: 2 }), [[0], [1]]);
  assert.deepEqual(
    centralGroupPeeling(new Float32Array([0, 10, 1, 11, 2, 12, 3, 13]), { rows: 4, channels: 2 }, {
      alpha: 0.75,
    }),
    [[0], [1]],
  );
});

Deno.test("ohcInit() gives mean/std and centre/range per group with the bulk at scale 1", () => {
  // rows 2, channels 3: columns c0 = [0, 2], c1 = [1, 3], c2 = [-10, 10]
  const x = new Float32Array([0, 1, -10, 2, 3, 10]);
  const groups = [[0, 1], [2]];
  const os = ohcInit(x, { rows: 2, channels: 3 }, groups, "os+");
  assert.deepEqual([...os.shift], [1.5, 0]);
  assert.deepEqual([...os.scale], [1, 20 / 3]);
  const ms = ohcInit(x, { rows: 2, channels: 3 }, groups, "meanstd");
  assert.deepEqual([...ms.shift], [1.5, 0]);
  assert.ok(Math.abs(ms.scale[1]! - 10 / Math.sqrt(1.25)) < 1e-12);
  assert.equal(ms.scale[0], 1);
});

Deno.test("outlierHierarchicalClustering() throws invalid_argument on bad dims or alpha", () => {
  const x = new Float32Array(6);
  assert.throws(
    () => outlierHierarchicalClustering(x, { rows: 4, channels: 2 }),
    (e: unknown) => e instanceof SamqError && e.field === "dims",
  );
  assert.throws(
    () => outlierHierarchicalClustering(x, { rows: 3, channels: 2 }, { alpha: 1 }),
    (e: unknown) => e instanceof SamqError && e.field === "alpha",
  );
});
