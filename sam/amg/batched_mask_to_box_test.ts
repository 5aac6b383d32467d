import assert from "node:assert/strict";
import { batchedMaskToBox } from "./batched_mask_to_box.ts";
import { boxXyxyToXywh } from "./box_xyxy_to_xywh.ts";

Deno.test("batchedMaskToBox() gives the inclusive box of the §D 5×6 mask and zeros for an empty mask", () => {
  const m = new Uint8Array(2 * 30);
  for (const y of [1, 2]) for (const x of [2, 3, 4]) m[y * 6 + x] = 1;
  const boxes = batchedMaskToBox(m, 2, 5, 6);
  assert.deepEqual(Array.from(boxes), [2, 1, 4, 2, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(boxXyxyToXywh(boxes)), [2, 1, 2, 1, 0, 0, 0, 0]);
});

Deno.test("batchedMaskToBox() handles a single pixel and an L shape", () => {
  const m = new Uint8Array(2 * 16);
  m[2 * 4 + 3] = 1; // (x 3, y 2)
  m[16 + 0 * 4 + 1] = 1;
  m[16 + 3 * 4 + 0] = 1;
  m[16 + 3 * 4 + 2] = 1;
  assert.deepEqual(Array.from(batchedMaskToBox(m, 2, 4, 4)), [3, 2, 3, 2, 0, 0, 2, 3]);
});

Deno.test("batchedMaskToBox() throws RangeError when the dims do not match", () => {
  assert.throws(() => batchedMaskToBox(new Uint8Array(5), 1, 2, 2), RangeError);
});
