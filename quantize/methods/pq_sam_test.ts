import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { findLearningOps } from "../learn/no_learning_ops.ts";
import { quantizeForTest } from "./steps/_method_test_harness.ts";
import { type LearnedGadtFoldRecord, PQ_SAM } from "./pq_sam.ts";

Deno.test("PQ_SAM.quantize() learns the grouped shift/scale, folds it exactly (audit folding check) and passes the audit", async () => {
  const run = await quantizeForTest(PQ_SAM, {
    model: join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official"),
    calib: "synthetic:seed=1,n=4,size=96",
    n: 2,
    bits: { w: 4, a: 4 },
    promptsPerImage: 1,
    methodOptions: { epochs: 2, lr: 1e-3, gadtLr: 0.05, evalImages: 2 },
  });
  assert.ok(run.audit.passed, run.audit.failures.join("; "));
  assert.ok(run.audit.folding.every((f) => f.ok && f.runs > 0));
  const folds = run.result.folds as LearnedGadtFoldRecord[];
  assert.ok(folds.length > 0 && folds.every((f) => f.kind === "gadt" && f.learnedScale[0] > 0));
  const note = run.result.notes.find((n) => n.startsWith("PQ-SAM:") && n.includes("kept"))!;
  const kept = note.match(/kept (learned|initial)/)![1];
  // Learned transforms were folded (decoder targets get gradients on the tiny model), or none when kept initial.
  const moved = folds.some((f) =>
    f.learnedScale[0] !== 1 || f.learnedScale[1] !== 1 || f.learnedShift[0] !== 0 || f.learnedShift[1] !== 0
  );
  assert.equal(moved, kept === "learned", note);
  for (const part of ["encoder", "decoder"] as const) {
    assert.deepEqual(findLearningOps(run.prepared[part].model.graph), []);
  }
});
