import assert from "node:assert/strict";
import { transformCoords } from "./coords_transform.ts";
import { transformBoxesXyxy } from "./coords_transform_boxes.ts";
import { preprocessShape } from "../preprocess/preprocess_shape.ts";
import { SamqError } from "../../util/errors.ts";

Deno.test("transformCoords() scales each axis by the rounded size ratio", () => {
  const orig = { h: 333, w: 500 };
  const input = preprocessShape(orig.h, orig.w); // 682×1024
  const out = transformCoords([250, 100, 0, 333], orig, input);
  // SA multiplies by the ratio (new / old), computed first: 333 · (682 / 333) = 681.9999999999999.
  assert.deepEqual(Array.from(out), [250 * (1024 / 500), 100 * (682 / 333), 0, 333 * (682 / 333)]);
  assert.equal(out[3], 681.9999999999999);
  // The per-axis y factor differs from the single factor 1024/500 used by the SA web demo.
  assert.notEqual(out[1], 100 * 1024 / 500);
});

Deno.test("transformCoords() rejects an odd number of values", () => {
  assert.throws(
    () => transformCoords([1, 2, 3], { h: 1, w: 1 }, { h: 1, w: 1 }),
    (e) => e instanceof SamqError && e.code === "invalid_prompt",
  );
});

Deno.test("transformBoxesXyxy() scales both corners", () => {
  const out = transformBoxesXyxy([0, 0, 640, 480, 10, 20, 30, 40], { h: 480, w: 640 }, { h: 768, w: 1024 });
  assert.deepEqual(Array.from(out), [0, 0, 1024, 768, 16, 32, 48, 64]);
  assert.throws(() => transformBoxesXyxy([1, 2, 3], { h: 1, w: 1 }, { h: 1, w: 1 }), SamqError);
});
