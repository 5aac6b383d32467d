import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../../util/fs.ts";
import { modelsDir } from "../../util/paths.ts";
import { loadModelDir } from "../model_dir.ts";
import { SamPredictor } from "../predictor.ts";
import { transformCoords } from "../prompts/coords_transform.ts";
import { openMultimaskDecoder } from "./generate_multimask_decoder.ts";

const SAM2 = join(modelsDir(), "sam2-tiny");
const haveSam2 = await exists(join(SAM2, "sam.json"));

Deno.test({
  name: `openMultimaskDecoder() on SAM2 returns the predictor's own three tokens for points and boxes${
    haveSam2 ? "" : " (skipped: models/sam2-tiny missing)"
  }`,
  ignore: !haveSam2,
  async fn() {
    const predictor = await SamPredictor.open(await loadModelDir(SAM2));
    const h = 96, w = 128;
    const data = new Uint8Array(h * w * 3);
    // A bright square on a dark background: something to segment.
    for (let y = 30; y < 70; y++) for (let x = 40; x < 90; x++) data.set([230, 220, 200], (y * w + x) * 3);
    try {
      const decoder = await openMultimaskDecoder(predictor);
      assert.equal(decoder.source, "sam2");
      const img = await decoder.embed({ data, h, w });
      const clicks = [[64, 48], [10, 10]] as const;
      const batch = await decoder.decodePoints(
        img,
        transformCoords(Float64Array.from(clicks.flat()), img.origSize, img.inputSize),
      );
      assert.equal(batch.count, 2);
      assert.deepEqual(batch.tokens, [1, 2, 3]);
      assert.equal(decoder.runs, 2);
      const plane = batch.channels * batch.lowResSize ** 2;
      for (const [i, [x, y]] of clicks.entries()) {
        // Independent path: the predictor's own prompt packing and decoder run.
        const p = await predictor.predict({ points: [[x, y]] });
        assert.deepEqual([...batch.lowRes.subarray(i * plane, (i + 1) * plane)], [...p.raw.lowRes]);
        assert.deepEqual([...batch.iou.subarray(i * 3, i * 3 + 3)], [...p.raw.iou]);
      }
      const box = await decoder.decodeBox(
        img,
        transformCoords(Float64Array.of(40, 30, 90, 70), img.origSize, img.inputSize),
      );
      const pb = await predictor.predict({ box: [40, 30, 90, 70] });
      assert.deepEqual([...box.lowRes], [...pb.raw.lowRes]);
      await decoder.release();
    } finally {
      await predictor.release();
    }
  },
});
