import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { channelGroups } from "./channel_groups.ts";
import { kmeans } from "./kmeans.ts";
import { cagStages, progressiveGrouping } from "./progressive_grouping.ts";

Deno.test("kmeans() separates three obvious clusters and returns their means", () => {
  // Clusters around (0, 0), (10, 0), (0, 10), interleaved so that order does not help.
  const pts = [[0, 0], [10, 1], [1, 10], [1, 0], [10, -1], [-1, 10], [0, 1], [11, 0], [0, 11]];
  const r = kmeans(Float64Array.from(pts.flat()), 2, 3, createPrng(3));
  assert.equal(r.k, 3);
  const [a, b, c] = [r.labels[0], r.labels[1], r.labels[2]];
  assert.deepEqual([...r.labels], [a, b, c, a, b, c, a, b, c]);
  assert.equal(new Set([a, b, c]).size, 3);
  const mean = (j: number) => [r.centroids[2 * j]!, r.centroids[2 * j + 1]!];
  assert.deepEqual(mean(a!), [1 / 3, 1 / 3]);
  assert.deepEqual(mean(b!), [31 / 3, 0]);
  assert.deepEqual(mean(c!), [0, 31 / 3]);
});

Deno.test("kmeans() is deterministic for a seed and never makes more clusters than distinct points", () => {
  const rng = createPrng(1);
  const pts = Float64Array.from({ length: 200 }, () => rng.normal());
  const a = kmeans(pts, 2, 7, createPrng(5)), b = kmeans(pts, 2, 7, createPrng(5));
  assert.deepEqual(a, b);
  const dup = kmeans(Float64Array.of(1, 1, 1, 1, 2, 2), 2, 4, createPrng(0));
  assert.equal(dup.k, 2);
  assert.deepEqual([...dup.labels].map((l) => l === dup.labels[0]), [true, true, false]);
});

Deno.test("progressiveGrouping() merges channels stage by stage into shared (Δ, z) with rounded z", () => {
  // Six channels: three with z ≈ 2 and small Δ, three with z ≈ 12 and large Δ.
  const scale = Float32Array.of(0.1, 0.11, 0.12, 0.5, 0.52, 0.54);
  const zero = Float32Array.of(2, 3, 2, 12, 12, 13);
  const g = progressiveGrouping(scale, zero, [4, 2], createPrng(0));
  assert.deepEqual(g.groupsPerStage, [4, 2]);
  const low = g.labels[0]!;
  assert.deepEqual([...g.labels].map((l) => l === low), [true, true, true, false, false, false]);
  // Final centroids are means of the previous stage's (already shared) values, z rounded half up; we
  // check the invariants rather than one stage-1 split: every channel of a group has the same pair.
  const groups = channelGroups(g.scale, g.zeroPoint);
  assert.equal(groups.groups, 2);
  assert.ok(groups.scale.every((s) => s > 0) && groups.zeroPoint.every(Number.isInteger));
  assert.ok(Math.abs(g.scale[0]! - 0.11) < 0.011 && g.zeroPoint[0] === 2);
  assert.ok(Math.abs(g.scale[5]! - 0.52) < 0.021 && g.zeroPoint[5] === 12);
  assert.deepEqual(cagStages(4), [32, 16, 8, 4]);
});

Deno.test("channelGroups() numbers groups by first appearance of each (Δ, z) pair", () => {
  const g = channelGroups(Float32Array.of(0.5, 0.25, 0.5, 0.25, 0.5), Float32Array.of(1, 3, 1, 3, 2));
  assert.deepEqual([...g.labels], [0, 1, 0, 1, 2]);
  assert.deepEqual([g.groups, [...g.scale], [...g.zeroPoint]], [3, [0.5, 0.25, 0.5], [1, 3, 2]]);
});
