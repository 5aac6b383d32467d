import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { exists } from "../../util/fs.ts";
import { modelsDir, REPO_ROOT, sharedDataDir } from "../../util/paths.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { centerPoint, gtBoxXyxy, openDataset } from "../../datasets/mod.ts";
import { loadModelDir } from "../model_dir.ts";
import { SamPredictor } from "../predictor.ts";
import { maskIou } from "../../mask/mask_iou.ts";
import { detectFormat } from "./open_adapter.ts";
import { openSam2Adapter } from "./sam2.ts";

const SAM2 = join(modelsDir(), "sam2-tiny");
const haveSam2 = await exists(join(SAM2, "sam.json"));
const haveCoco = await exists(join(sharedDataDir(), "coco-tiny", "annotations", "instances_val2017.json"));
const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

Deno.test({
  name: `SamPredictor with the sam2 adapter segments COCO objects from a click and from a box${
    haveSam2 && haveCoco ? "" : " (skipped: models/sam2-tiny or ../shared/data/coco-tiny missing)"
  }`,
  ignore: !(haveSam2 && haveCoco),
  async fn() {
    const ds = await openDataset("coco-tiny:val", { limit: 1 });
    const first = await ds.samples().next();
    const sample = first.done ? undefined : first.value;
    assert.ok(sample && sample.imageId === 397133, "first coco-tiny val image is 000000397133.jpg");
    const predictor = await SamPredictor.open(await loadModelDir(SAM2));
    try {
      await predictor.setImage(await sample.readImage());
      const byId = new Map(sample.objects.map((o) => [o.annId, o]));
      // Clear objects of 000000397133.jpg: two bowls (713388, 716434) and a standing person (200887).
      const clicks = [713388];
      const boxes = [200887, 713388, 716434];
      for (const id of clicks) {
        const o = byId.get(id);
        assert.ok(o);
        const gt = o.mask();
        const c = centerPoint(gt, sample.h, sample.w);
        assert.ok(c);
        const p = await predictor.predict({ points: [[c.x, c.y]] });
        assert.deepEqual(p.raw.tokens, [1, 2, 3]);
        assert.equal(p.raw.lowResSize, 256);
        assert.equal(p.raw.lowRes.length, 3 * 256 * 256);
        assert.ok(p.raw.iou.every((v) => v >= 0 && v <= 1), "IoU predictions are sigmoid outputs");
        assert.ok(p.raw.lowRes.every((v) => v >= -32 && v <= 32), "low-res logits are clamped to ±32");
        assert.equal(p.mask.length, sample.h * sample.w);
        assert.equal(p.mask[c.y * sample.w + c.x], 1, "the clicked pixel is inside the mask");
        const iou = maskIou(p.mask, gt);
        assert.ok(iou > 0.5, `click on ${id}: IoU ${iou}`);
      }
      for (const id of boxes) {
        const o = byId.get(id);
        assert.ok(o);
        const p = await predictor.predict({ box: gtBoxXyxy(o.bboxXywh) });
        const iou = maskIou(p.mask, o.mask());
        assert.ok(iou > 0.5, `box on ${id}: IoU ${iou}`);
      }
    } finally {
      await predictor.release();
    }
  },
});

Deno.test({
  name:
    `openSam2Adapter() and detectFormat() accept the installed SAM2 pair, whose decoder adds the padding point${
      haveSam2 ? "" : " (skipped: models/sam2-tiny missing)"
    }`,
  ignore: !haveSam2,
  async fn() {
    const model = await loadModelDir(SAM2);
    assert.equal(await detectFormat(model.encoderPath, model.decoderPath), "sam2");
    // The graph itself appends SAM 2's padding point (label −1 after the given labels), which is why
    // packPromptsSam2 adds none: Concat(point_labels, Neg(ones)).
    const g = (await readModel(model.decoderPath)).graph;
    const concat = g.nodes.find((n) => n.op === "Concat" && n.inputs[0]?.name === "point_labels");
    assert.ok(concat, "Concat after point_labels");
    assert.equal(concat.inputs[1]?.producer?.op, "Neg");
  },
});

Deno.test("openSam2Adapter() rejects an official-layout pair, naming its IO", async () => {
  await assert.rejects(
    () => openSam2Adapter(join(TINY, "encoder.onnx"), join(TINY, "decoder.onnx"), 256),
    (e: unknown) =>
      e instanceof SamqError && e.code === "invalid_model" && /sam2 layout/.test(e.message) &&
      /image_embeddings/.test(e.message),
  );
  assert.equal(await detectFormat(join(TINY, "encoder.onnx"), join(TINY, "decoder.onnx")), "official");
});
