import assert from "node:assert/strict";
import { boxNms } from "./box_nms.ts";

Deno.test("boxNms() keeps the best box and suppresses overlaps above the threshold", () => {
  // Box 1 overlaps box 0 with IoU 81/100 (> 0.7); box 2 is disjoint.
  const boxes = new Int32Array([0, 0, 10, 10, 1, 1, 10, 10, 20, 20, 30, 30]);
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([0.9, 0.8, 0.7]), 0.7)), [0, 2]);
  // Ordered by descending score.
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([0.5, 0.8, 0.9]), 0.7)), [2, 1]);
});

Deno.test("boxNms() does not suppress when IoU equals the threshold exactly", () => {
  // IoU = 50 / 100 = 0.5.
  const boxes = new Int32Array([0, 0, 10, 10, 0, 0, 10, 5]);
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([1, 0.5]), 0.5)), [0, 1]);
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([1, 0.5]), 0.49)), [0]);
});

Deno.test("boxNms() keeps input order on score ties (stable sort)", () => {
  const boxes = new Int32Array([0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60]);
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([1, 1, 1]), 0.7)), [0, 2]);
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([0, 1, 1]), 0.7)), [1, 2]);
});

Deno.test("boxNms() never suppresses zero-area boxes (inclusive 1-pixel masks, 0/0 IoU)", () => {
  const boxes = new Int32Array([3, 3, 3, 3, 3, 3, 3, 3]);
  assert.deepEqual(Array.from(boxNms(boxes, new Float32Array([1, 0.5]), 0.7)), [0, 1]);
});
