import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { createPrng } from "../../util/prng.ts";
import { SamqError } from "../../util/errors.ts";
import { NO_PROGRESS } from "../calibrate/progress.ts";
import { channelGroups } from "../cag/channel_groups.ts";
import { prepareSamModel } from "../graph/prepare_sam_model.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import { findLearningOps } from "../learn/no_learning_ops.ts";
import { loadModelDir } from "../../sam/model_dir.ts";
import { openCalibrationSet } from "../calibrate/calibration_set.ts";
import { quantizeForTest } from "./steps/_method_test_harness.ts";
import { ahcptqExtension } from "./steps/ahcptq_extension.ts";
import { classifyLinear } from "./steps/gadt_targets.ts";
import { AHCPTQ, ahcptqStage } from "./ahcptq.ts";
import { reconstructUnits } from "../learn/reconstruct_units.ts";
import { learningInput } from "./steps/learning_input.ts";
import { PTQ4SAM_S, ptq4samStatic } from "./ptq4sam_s.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
const CALIB = "synthetic:seed=1,n=4,size=96";
const BASE = { model: TINY, calib: CALIB, n: 2, bits: { w: 4, a: 4 } as const, promptsPerImage: 1 };

Deno.test("AHCPTQ.quantize() puts HLUQ on post-GELU/ReLU tensors and CAG on qkv/lin1 inputs, and passes the audit", async () => {
  const run = await quantizeForTest(AHCPTQ, {
    ...BASE,
    methodOptions: { iterations: 3, evalSamples: 2, ptq4samS: { big: "off" } },
  });
  assert.ok(run.audit.passed, run.audit.failures.join("; "));
  assert.equal(run.audit.quantizers.passed, run.result.quantizers.length);
  const acts = run.result.quantizers.filter((r) => r.target === "activation");
  const classesOf = (r: QuantizerRecord) => {
    const p = run.prepared[r.part].patterns;
    const lins = p.linears.filter((l) => r.consumers.includes(l.node.name));
    return new Set(lins.flatMap((l) => classifyLinear(p, l)));
  };
  const hluq = acts.filter((r) => r.params.kind === "hluq");
  const cag = acts.filter((r) => r.params.kind === "uniform" && r.params.axis !== undefined);
  // HLUQ exactly on the Linear inputs that read a GELU or ReLU output (MLP lin2: encoder and decoder).
  for (const r of acts) {
    const lin2 = r.roles.every((x) => x === "linear-input") && classesOf(r).has("lin2");
    assert.equal(hluq.includes(r), lin2, `${r.id}: HLUQ ${hluq.includes(r)}`);
  }
  assert.ok(hluq.some((r) => r.part === "encoder") && hluq.some((r) => r.part === "decoder"));
  for (const r of acts) {
    const c = classesOf(r);
    const wantCag = r.roles.every((x) => x === "linear-input") && !c.has("lin2") &&
      (c.has("qkv") || c.has("lin1"));
    assert.equal(cag.includes(r), wantCag, `${r.id}: CAG ${cag.includes(r)}, classes ${[...c]}`);
  }
  assert.ok(cag.length > 0);
  for (const r of cag) {
    if (r.params.kind !== "uniform") continue;
    const g = channelGroups(Float32Array.from(r.params.scale), Float32Array.from(r.params.zeroPoint));
    assert.ok(g.groups <= 4 && g.groups >= 1, `${r.id}: ${g.groups} groups`);
  }
  assert.equal(
    acts.filter((r) => r.params.kind === "log").length,
    run.prepared.encoder.patterns.attentions.length + run.prepared.decoder.patterns.attentions.length,
    "AGQ kept on every attention",
  );
  for (const part of ["encoder", "decoder"] as const) {
    assert.deepEqual(findLearningOps(run.prepared[part].model.graph), []);
  }
  assert.ok(run.result.notes.some((n) => n.startsWith("AHCPTQ: drop probability reset to 1")));
});

Deno.test("AHCPTQ's reconstruction keeps the static HLUQ and CAG parameters of units whose learning made them worse", async () => {
  const o = AHCPTQ.resolveOptions({ ptq4samS: { big: "off" } });
  const source = await loadModelDir(TINY);
  const calibration = await openCalibrationSet(CALIB, { n: 2, evalData: null, promptsPerImage: 1 });
  const options = {
    bits: BASE.bits,
    granularity: "per-tensor" as const,
    scope: "both" as const,
    includeFloatParts: false,
    seed: 0,
    ep: "cpu" as const,
  };
  const model = await prepareSamModel(source);
  const init = await ptq4samStatic(
    model,
    calibration,
    { ...options, method: PTQ4SAM_S.resolveOptions({ big: "off" }) },
    NO_PROGRESS,
    ahcptqExtension(model, { ...o, bits: 4 }, createPrng(0), []),
  );
  // Learning rates of 50 throw learned parameters far off: such units must keep their initialisation.
  const wild = { ...o, roundLr: 50, stepLr: 50, agqScaleLr: 50, hluqScaleLr: 50, evalSamples: 2 };
  const recon = await reconstructUnits(
    learningInput(model, init, calibration, options, 1 << 20, NO_PROGRESS),
    ahcptqStage(wild, 4),
  );
  const before = new Map(init.quantizers.map((r) => [`${r.part}/${r.id}`, r.params]));
  const special = (r: QuantizerRecord) =>
    r.target === "activation" &&
    (r.params.kind === "hluq" || (r.params.kind === "uniform" && r.params.axis !== undefined));
  for (const u of recon.units) {
    assert.equal(
      u.kept,
      u.learnedError <= u.initialError ? "learned" : "initial",
      `${u.part} unit ${u.unit}`,
    );
  }
  // A quantizer is learned by the units that contain its Linears; where all of them kept their
  // initialisation, it must be exactly the static stage's.
  let checked = 0;
  for (const r of recon.records.filter(special)) {
    const units = recon.units.filter((u) =>
      u.part === r.part && r.consumers.some((c) => u.linears.includes(c))
    );
    if (units.length === 0 || units.some((u) => u.kept !== "initial")) continue;
    assert.deepEqual(r.params, before.get(`${r.part}/${r.id}`), r.id);
    checked++;
  }
  assert.ok(checked > 0, "some unit with an HLUQ or CAG quantizer kept its initialisation");
  assert.ok(recon.units.some((u) => u.kept === "initial" && u.learnedError > u.initialError));
});

Deno.test("AHCPTQ.resolveOptions() has the paper's defaults and rejects bad HLUQ/CAG options", () => {
  const d = AHCPTQ.resolveOptions({});
  assert.deepEqual([d.cagGroups, d.hluqRangeRates, d.hluqGridRates], [4, [0.1, 0.3, 0.5], [
    0.125,
    0.25,
    0.5,
  ]]);
  assert.deepEqual([d.iterations, d.dropProb, d.stepLr, d.roundLr], [20000, 0.5, 4e-5, 1e-3]);
  for (
    const bad of [{ cagGroups: 0 }, { hluqGridRates: [1.5] }, { cagTargets: ["qkv", "nope"] }, { budget: 0 }]
  ) {
    assert.throws(
      () => AHCPTQ.resolveOptions(bad),
      (e: unknown) => e instanceof SamqError && e.field === Object.keys(bad)[0],
    );
  }
});
