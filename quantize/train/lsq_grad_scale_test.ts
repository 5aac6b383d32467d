import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { absMinProjection } from "./abs_min_projection.ts";
import { lsqGradScale } from "./lsq_grad_scale.ts";

Deno.test("lsqGradScale() is 1/sqrt(N·Qp)", () => {
  assert.equal(lsqGradScale(16, 15), 1 / Math.sqrt(240));
  assert.equal(lsqGradScale(4096 * 768, 15), 1 / Math.sqrt(4096 * 768 * 15));
  assert.throws(() => lsqGradScale(0, 15), SamqError);
});

Deno.test("absMinProjection() maps values to max(|v|, eps) in place", () => {
  const v = Float32Array.of(-2, 0, 1e-9, 3);
  absMinProjection(1e-3)(v);
  assert.deepEqual([...v], [2, Math.fround(1e-3), Math.fround(1e-3), 3]);
});
