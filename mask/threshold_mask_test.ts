import assert from "node:assert/strict";
import { thresholdMask } from "./threshold_mask.ts";

Deno.test("thresholdMask() is strict and maps NaN to 0", () => {
  assert.deepEqual(Array.from(thresholdMask(new Float32Array([-1, 0, 1e-7, NaN, 3]))), [0, 0, 1, 0, 1]);
  assert.deepEqual(Array.from(thresholdMask([0.5, 1, 1.5], 1)), [0, 0, 1]);
});
