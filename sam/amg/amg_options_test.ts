import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { AMG_DEFAULTS, resolveAmgOptions } from "./amg_options.ts";
import { buildAllLayerPointGrids } from "./build_all_layer_point_grids.ts";

Deno.test("resolveAmgOptions() returns SAM's defaults when nothing is set", () => {
  const o = resolveAmgOptions();
  assert.deepEqual(o, { ...AMG_DEFAULTS });
  assert.equal(o.pointsPerSide, 32);
  assert.equal(o.predIouThresh, 0.88);
  assert.equal(o.stabilityScoreThresh, 0.95);
  assert.equal(o.cropOverlapRatio, 512 / 1500);
  assert.ok(Object.isFrozen(AMG_DEFAULTS));
});

Deno.test("resolveAmgOptions() clears pointsPerSide when pointGrids are given", () => {
  const o = resolveAmgOptions({ pointGrids: buildAllLayerPointGrids(4, 1, 2), cropNLayers: 1 });
  assert.equal(o.pointsPerSide, null);
});

Deno.test("resolveAmgOptions() throws invalid_argument naming the field when an option is bad", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ pointsPerSide: 0 }, "pointsPerSide"],
    [{ boxNmsThresh: 1.5 }, "boxNmsThresh"],
    [{ outputMode: "png" }, "outputMode"],
    [{ pointsPerSide: null }, "pointsPerSide"],
    [{ pointGrids: buildAllLayerPointGrids(4, 0, 2), cropNLayers: 1 }, "pointGrids"],
    [{ bogus: 1 }, "bogus"],
  ];
  for (const [partial, field] of cases) {
    assert.throws(() => resolveAmgOptions(partial as never), (e: unknown) => {
      assert.ok(e instanceof SamqError);
      assert.equal(e.code, "invalid_argument");
      assert.equal(e.field, field);
      return true;
    });
  }
});
