import assert from "node:assert/strict";
import { calculateStabilityScore } from "./calculate_stability_score.ts";

Deno.test("calculateStabilityScore() gives 2/6 for the §D logits with offset 1", () => {
  const logits = new Float32Array([2.5, 0.5, -0.5, -1.5, 1.2, 0.9, -0.9, -2.0]);
  const s = calculateStabilityScore(logits, 1, 0, 1);
  assert.equal(s[0], Math.fround(2 / 6));
});

Deno.test("calculateStabilityScore() scores each mask of a batch and gives NaN when nothing is above t − offset", () => {
  const logits = new Float32Array([5, 5, 5, 5, -3, -3, -3, -3]);
  const s = calculateStabilityScore(logits, 2, 0, 1);
  assert.equal(s[0], 1);
  assert.ok(Number.isNaN(s[1]));
});
