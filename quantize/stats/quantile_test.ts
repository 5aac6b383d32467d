import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { quantiles } from "./quantile.ts";

Deno.test("quantiles() interpolates linearly like numpy.quantile", () => {
  // numpy.quantile([3, 1, 4, 1, 5], [0, .25, .5, .9, 1]) = [1, 1, 3, 4.6, 5]
  const q = quantiles([3, 1, 4, 1, 5], [0, 0.25, 0.5, 0.9, 1]);
  assert.deepEqual(q.map((v) => Math.round(v * 1e9) / 1e9), [1, 1, 3, 4.6, 5]);
  assert.deepEqual(quantiles([7], [0.3]), [7]);
});

Deno.test("quantiles() throws invalid_argument when p is outside [0, 1]", () => {
  assert.throws(() => quantiles([1, 2], [1.5]), (e: unknown) => e instanceof SamqError && e.field === "p");
  assert.throws(() => quantiles([], [0.5]), (e: unknown) => e instanceof SamqError && e.field === "values");
});
