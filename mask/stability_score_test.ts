import assert from "node:assert/strict";
import { stabilityScore } from "./stability_score.ts";

Deno.test("stabilityScore() matches the spec §D vector", () => {
  const logits = new Float32Array([2.5, 0.5, -0.5, -1.5, 1.2, 0.9, -0.9, -2.0]);
  assert.equal(stabilityScore(logits), 2 / 6);
  assert.equal(stabilityScore(logits, 0, 1), 2 / 6);
});

Deno.test("stabilityScore() uses strict comparisons and gives NaN for 0/0", () => {
  assert.equal(stabilityScore([1, -1, 2]), 1 / 2);
  assert.ok(Number.isNaN(stabilityScore([-5, -1])));
});
