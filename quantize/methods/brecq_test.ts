import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { findLearningOps } from "../learn/no_learning_ops.ts";
import { quantizeForTest } from "./steps/_method_test_harness.ts";
import { BRECQ } from "./brecq.ts";

Deno.test("BRECQ.quantize() runs its weight and activation stages on every unit and passes the audit", async () => {
  const run = await quantizeForTest(BRECQ, {
    model: join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official"),
    calib: "synthetic:seed=1,n=4,size=96",
    n: 2,
    bits: { w: 4, a: 4 },
    promptsPerImage: 1,
    methodOptions: {
      weightIterations: 3,
      activationIterations: 2,
      evalSamples: 2,
      weightSearchCandidates: 20,
    },
  });
  assert.ok(run.audit.passed, run.audit.failures.join("; "));
  assert.ok(run.result.notes.some((n) => /^BRECQ stage 1, weights \(3 steps.*15 units/.test(n)));
  assert.ok(run.result.notes.some((n) => /^BRECQ stage 2, activations \(2 steps.*15 units/.test(n)));
  for (const part of ["encoder", "decoder"] as const) {
    assert.deepEqual(findLearningOps(run.prepared[part].model.graph), []);
  }
  assert.equal(BRECQ.defaults.weightIterations, 20000);
  assert.equal(BRECQ.defaults.activationIterations, 5000);
});
