import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { SamPredictor } from "../sam/predictor.ts";
import { openCalibrationSet } from "./calibrate/calibration_set.ts";
import { quantizeModel } from "./quantize_model.ts";

const TINY_HF = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/hf");
const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
const SYN = "synthetic:seed=22,n=2,size=96";

Deno.test("quantizeModel() calibrates and audits an HF-layout decoder through the HF layout with scope both", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-qm-hf-" });
  try {
    const base = {
      model: TINY_HF,
      method: "minmax",
      bits: "w8a8",
      calib: SYN,
      n: 2,
      evalData: null,
    } as const;
    const { quant } = await quantizeModel({ ...base, out: join(tmp, "both"), scope: "both" });
    assert.deepEqual(quant.quantizedParts, ["encoder", "decoder"]);
    assert.equal(quant.audit.passed, true, quant.audit.failures.join("; "));
    // The fixture's decoder has no `input_boxes`: only the point prompts reach it.
    const calibration = await openCalibrationSet(SYN, { n: 2, evalData: null, promptsPerImage: 4 });
    const points = calibration.images.flatMap((im) => im.prompts).filter((p) => p.box === undefined).length;
    assert.ok(points > 0);
    assert.equal(quant.calibration.decoderRuns, points);
    assert.equal(
      quant.audit.decoderRuns,
      calibration.images.slice(0, 2).flatMap((im) => im.prompts)
        .filter((p) => p.box === undefined).length,
    );
    const dec = quant.quantizers.filter((r) => r.part === "decoder" && r.target === "activation");
    assert.ok(dec.length > 0);
    for (const r of dec) {
      assert.equal(r.params.kind, "uniform");
      const scales = r.params.kind === "uniform" ? r.params.scale : [];
      assert.ok(scales.every((s) => Number.isFinite(s) && s > 0), r.id);
    }
    // Every decoder quantizer was observed on real decoder runs and its outputs sit on its grid.
    const census = quant.audit.census.find((c) => c.part === "decoder")!;
    assert.equal(census.found, quant.quantizers.filter((r) => r.part === "decoder").length);
    // The default scope of a non-official layout stays the encoder.
    const auto = await quantizeModel({ ...base, out: join(tmp, "auto") });
    assert.deepEqual(auto.quant.quantizedParts, ["encoder"]);
    assert.equal(auto.quant.calibration.decoderRuns, 0);
    // The quantized folder runs through the HF adapter, close to the float model at W8A8.
    const image = await calibration.images[0]!.readImage();
    const prompt = { points: [calibration.images[0]!.prompts.find((p) => p.points)!.points![0]!] };
    const float = await SamPredictor.open(await loadModelDir(TINY_HF));
    const q = await SamPredictor.open(await loadModelDir(join(tmp, "both")));
    const qEncoder = await SamPredictor.open(await loadModelDir(join(tmp, "auto")));
    try {
      const logits = async (p: SamPredictor) => {
        await p.setImage(image);
        return (await p.predict(prompt)).logits;
      };
      const a = await logits(float), b = await logits(q), c = await logits(qEncoder);
      let maxDiff = 0, range = 0, decoderEffect = 0;
      for (let i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        range = Math.max(range, Math.abs(a[i]!));
        decoderEffect = Math.max(decoderEffect, Math.abs(b[i]! - c[i]!));
      }
      // Same encoder quantizers in both folders: any difference comes from the quantized decoder.
      assert.ok(decoderEffect > 0, "the quantized decoder changed nothing");
      assert.ok(maxDiff < 0.05 * range, `max logit difference ${maxDiff} vs range ${range}`);
    } finally {
      await float.release();
      await q.release();
      await qEncoder.release();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("quantizeModel() refuses the decoder of a sam2 model before opening its graphs", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-qm-sam2-" });
  try {
    // sam.json says sam2; the scope is refused before the files' interface is even checked.
    const dir = join(tmp, "sam2");
    await Deno.mkdir(dir);
    for (const f of ["encoder.onnx", "decoder.onnx"]) await Deno.copyFile(join(TINY, f), join(dir, f));
    const cfg = JSON.parse(await Deno.readTextFile(join(TINY, "sam.json")));
    await Deno.writeTextFile(join(dir, "sam.json"), JSON.stringify({ ...cfg, format: "sam2" }));
    for (const scope of ["both", "decoder"] as const) {
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
            scope,
          }),
        (e: unknown) => e instanceof SamqError && e.code === "incompatible" && e.field === "scope",
      );
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
