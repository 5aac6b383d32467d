import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { SamqError } from "../../util/errors.ts";
import { findLearningOps } from "../learn/no_learning_ops.ts";
import { quantizeForTest } from "./steps/_method_test_harness.ts";
import { QDROP } from "./qdrop.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");

Deno.test("QDROP.quantize() evaluates with every quantizer active and no random op, and passes the audit", async () => {
  const run = await quantizeForTest(QDROP, {
    model: TINY,
    calib: "synthetic:seed=1,n=4,size=96",
    n: 2,
    bits: { w: 4, a: 4 },
    promptsPerImage: 1,
    methodOptions: { iterations: 4, evalSamples: 2 },
  });
  assert.ok(run.audit.passed, run.audit.failures.join("; "));
  assert.equal(run.audit.quantizers.passed, run.audit.quantizers.checked);
  assert.equal(run.audit.quantizers.checked, run.result.quantizers.length);
  for (const part of ["encoder", "decoder"] as const) {
    const g = run.prepared[part].model.graph;
    assert.deepEqual(findLearningOps(g), [], part);
    assert.equal(g.nodes.filter((n) => n.op === "Where" && n.name.startsWith("samq.")).length, 0);
  }
  assert.ok(
    run.result.notes.some((n) => /^QDrop \(4 steps = 4 × budget 1\): 15 units/.test(n)),
    run.result.notes.join("\n"),
  );
});

Deno.test("QDROP.resolveOptions() records the budget and rejects a drop probability outside (0, 1]", () => {
  assert.equal(QDROP.resolveOptions({ budget: 0.01 }).budget, 0.01);
  assert.equal(QDROP.defaults.dropProb, 0.5);
  for (const bad of [{ dropProb: 0 }, { dropProb: 1.5 }, { budget: 0 }, { budget: 2 }, { iterations: 2.5 }]) {
    assert.throws(
      () => QDROP.resolveOptions(bad),
      (e: unknown) => e instanceof SamqError && e.field === Object.keys(bad)[0],
    );
  }
});
