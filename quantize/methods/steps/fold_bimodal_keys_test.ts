import assert from "node:assert/strict";
import { loadModelDir } from "../../../sam/model_dir.ts";
import { openCalibrationSet } from "../../calibrate/calibration_set.ts";
import { type RunOutputs, runSamForward } from "../../calibrate/run_sam_forward.ts";
import { type PreparedModel, prepareSamModel } from "../../graph/prepare_sam_model.ts";
import { findQkProjections } from "./find_qk_projections.ts";
import { foldBimodalKeys } from "./fold_bimodal_keys.ts";

const TINY = new URL("../../../tests/fixtures/tiny-vit-sam/official", import.meta.url).pathname;

async function decoderRuns(
  model: PreparedModel,
  calibration: Awaited<ReturnType<typeof openCalibrationSet>>,
) {
  const out: RunOutputs[] = [];
  await runSamForward(
    { encoder: model.encoder.model.graph, decoder: model.decoder.model.graph },
    calibration.images,
    { config: model.source.config },
    { decoder: (o) => out.push(o) },
  );
  return out.map((o) =>
    Object.fromEntries(Object.entries(o).map(([k, t]) => [k, Array.from(t.data as Float32Array)]))
  );
}

Deno.test("findQkProjections() finds the q and k projections of all 7 decoder attentions", async () => {
  const model = await prepareSamModel(await loadModelDir(TINY));
  const found = findQkProjections(model.decoder.model.graph, model.decoder.patterns);
  assert.equal(found.length, 7);
  for (const f of found) {
    const base = f.attention.qk.name.replace(/\/MatMul$/, "");
    assert.equal(f.qProj.node.name, `${base}/q_proj/MatMul`);
    assert.equal(f.kProj.node.name, `${base}/k_proj/MatMul`);
  }
});

Deno.test("foldBimodalKeys() folds signs into the token→image q/k projections exactly", async () => {
  const model = await prepareSamModel(await loadModelDir(TINY));
  const calibration = await openCalibrationSet("synthetic:seed=1,n=2,size=256", {
    n: 1,
    evalData: null,
    promptsPerImage: 2,
  });
  const before = await decoderRuns(model, calibration);
  const kde = await foldBimodalKeys(model, calibration, { mode: "kde", ep: "cpu" });
  // The random fixture's keys are unimodal: the test runs on the three token→image attentions only.
  assert.deepEqual(kde.decisions.map((d) => [d.keys > d.queries, d.bimodal, d.folded]), [
    [true, false, false],
    [true, false, false],
    [true, false, false],
  ]);
  assert.ok(kde.decisions.every((d) => d.attention.includes("token_to_image") && d.peaks === 1));
  const forced = await foldBimodalKeys(model, calibration, { mode: "always", ep: "cpu" });
  assert.equal(forced.folds.length, 3);
  for (const f of forced.folds) {
    assert.equal(f.kind, "big-sign");
    assert.ok(f.flipped > 0 && f.flipped < f.channels);
  }
  const graph = model.decoder.model.graph;
  assert.ok(
    graph.nodes.some((n) =>
      n.inputs.some((t) => t.name.includes("q_proj") && t.name.endsWith(".samq_folded"))
    ),
  );
  // Sign flips are exact in float32 and q·kᵀ pairs them: every decoder output is bit-identical.
  assert.deepEqual(await decoderRuns(model, calibration), before);
});
