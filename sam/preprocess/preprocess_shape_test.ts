import assert from "node:assert/strict";
import { preprocessShape } from "./preprocess_shape.ts";
import { SamqError } from "../../util/errors.ts";

Deno.test("preprocessShape() matches the spec §D vectors", () => {
  const cases: [number, number, number, number][] = [
    [480, 640, 768, 1024],
    [427, 640, 683, 1024],
    [333, 500, 682, 1024],
    [1500, 2250, 683, 1024],
    [768, 1366, 576, 1024],
    [1, 3000, 0, 1024],
    [640, 480, 1024, 768],
    [1024, 1024, 1024, 1024],
  ];
  for (const [h, w, eh, ew] of cases) {
    assert.deepEqual(preprocessShape(h, w), { h: eh, w: ew }, `${h}x${w}`);
  }
});

Deno.test("preprocessShape() honours longSide", () => {
  assert.deepEqual(preprocessShape(480, 640, 512), { h: 384, w: 512 });
});

Deno.test("preprocessShape() rejects non-positive sizes", () => {
  assert.throws(() => preprocessShape(0, 10), (e) => e instanceof SamqError && e.field === "h");
  assert.throws(
    () => preprocessShape(10, 2.5),
    (e) => e instanceof SamqError && e.code === "invalid_argument",
  );
});
