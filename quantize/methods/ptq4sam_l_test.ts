import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { SamqError } from "../../util/errors.ts";
import { findLearningOps } from "../learn/no_learning_ops.ts";
import { quantizeForTest } from "./steps/_method_test_harness.ts";
import { PTQ4SAM_L } from "./ptq4sam_l.ts";

Deno.test("PTQ4SAM_L.quantize() keeps AGQ's log quantizers, learns them with QDrop and passes the audit", async () => {
  const run = await quantizeForTest(PTQ4SAM_L, {
    model: join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official"),
    calib: "synthetic:seed=1,n=4,size=96",
    n: 2,
    bits: { w: 4, a: 4 },
    promptsPerImage: 1,
    methodOptions: { iterations: 3, evalSamples: 2, ptq4samS: { big: "off" } },
  });
  assert.ok(run.audit.passed, run.audit.failures.join("; "));
  const logs = run.result.quantizers.filter((q) => q.params.kind === "log");
  assert.equal(
    logs.length,
    run.prepared.encoder.patterns.attentions.length + run.prepared.decoder.patterns.attentions.length,
    "one AGQ quantizer per attention",
  );
  for (const part of ["encoder", "decoder"] as const) {
    assert.deepEqual(findLearningOps(run.prepared[part].model.graph), []);
  }
  assert.ok(run.result.notes.some((n) => n.startsWith("PTQ4SAM-L: drop probability reset to 1")));
});

Deno.test("PTQ4SAM_L.resolveOptions() validates the static stage's options through ptq4sam-s", () => {
  assert.equal(PTQ4SAM_L.resolveOptions({}).ptq4samS.big, "kde");
  assert.throws(
    () => PTQ4SAM_L.resolveOptions({ ptq4samS: { big: "sometimes" } }),
    (e: unknown) => e instanceof SamqError && e.field === "big",
  );
});
