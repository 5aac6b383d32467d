import assert from "node:assert/strict";
import { selectBestMask } from "./select_mask_best.ts";
import { SamqError } from "../../util/errors.ts";

Deno.test("selectBestMask() returns the first maximum among the tokens", () => {
  const iou = new Float32Array([0.99, 0.5, 0.9, 0.9]);
  assert.equal(selectBestMask(iou, [1, 2, 3]), 2);
  assert.equal(selectBestMask(iou), 0);
  assert.equal(selectBestMask([0.1, 0.7, 0.7]), 1);
  assert.equal(selectBestMask([NaN, 0.2, 0.3], [0, 1, 2]), 2);
});

Deno.test("selectBestMask() rejects empty and out-of-range tokens", () => {
  const bad = (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "tokens";
  assert.throws(() => selectBestMask([1, 2], []), bad);
  assert.throws(() => selectBestMask([1, 2], [2]), bad);
});
