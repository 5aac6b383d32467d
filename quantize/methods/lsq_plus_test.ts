import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { findLearningOps } from "../learn/no_learning_ops.ts";
import { quantizeForTest } from "./steps/_method_test_harness.ts";
import { LSQ_PLUS } from "./lsq_plus.ts";

Deno.test("LSQ_PLUS.quantize() learns steps and offsets end to end, never ends worse than its start, passes the audit", async () => {
  const run = await quantizeForTest(LSQ_PLUS, {
    model: join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official"),
    calib: "synthetic:seed=1,n=4,size=96",
    n: 2,
    bits: { w: 4, a: 4 },
    promptsPerImage: 1,
    methodOptions: { epochs: 2, lr: 1e-3, evalImages: 2 },
  });
  assert.ok(run.audit.passed, run.audit.failures.join("; "));
  const note = run.result.notes.find((n) => n.startsWith("LSQ+: 4 steps (2 epochs × 2 images × budget 1)"));
  const m = note?.match(/evaluation loss (\S+) → (\S+), kept (learned|initial)/);
  assert.ok(m, run.result.notes.join("\n"));
  const [initial, learned] = [Number(m[1]), Number(m[2])];
  assert.equal(m[3], learned <= initial ? "learned" : "initial");
  for (const part of ["encoder", "decoder"] as const) {
    assert.deepEqual(findLearningOps(run.prepared[part].model.graph), []);
  }
});
