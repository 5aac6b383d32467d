import assert from "node:assert/strict";
import { buildPointGrid } from "./build_point_grid.ts";
import { buildAllLayerPointGrids } from "./build_all_layer_point_grids.ts";

Deno.test("buildPointGrid() matches the §D vector for n = 32", () => {
  const g = buildPointGrid(32);
  assert.equal(g.length, 2048);
  assert.deepEqual([g[0], g[1]], [0.015625, 0.015625]);
  assert.deepEqual([g[2], g[3]], [0.046875, 0.015625]);
  assert.deepEqual([g[2046], g[2047]], [0.984375, 0.984375]);
});

Deno.test("buildPointGrid() orders points y outer, x inner when n = 2", () => {
  assert.deepEqual(Array.from(buildPointGrid(2)), [0.25, 0.25, 0.75, 0.25, 0.25, 0.75, 0.75, 0.75]);
  assert.deepEqual(Array.from(buildPointGrid(1)), [0.5, 0.5]);
});

Deno.test("buildPointGrid() throws RangeError when n is not a positive integer", () => {
  assert.throws(() => buildPointGrid(0), RangeError);
  assert.throws(() => buildPointGrid(1.5), RangeError);
});

Deno.test("buildAllLayerPointGrids() gives 1024, 256, 64 points for (32, 2, 2)", () => {
  assert.deepEqual(buildAllLayerPointGrids(32, 2, 2).map((g) => g.length / 2), [1024, 256, 64]);
  assert.deepEqual(buildAllLayerPointGrids(5, 1, 2).map((g) => g.length / 2), [25, 4]);
});
