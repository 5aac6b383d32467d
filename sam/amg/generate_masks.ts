/**
 * The automatic mask generator loop (spec §A3.2; SA `SamAutomaticMaskGenerator.generate`) on top of a
 * {@link SamPredictor} and its all-token {@link MultimaskDecoder}, composed from the helpers of
 * `sam/amg/`.
 *
 * For each crop box (layer 0 = the whole image, then `cropNLayers` layers of overlapping crops):
 * 1. encode the crop (the predictor's embedding cache makes the full image free when it is already set);
 * 2. scale the layer's normalised grid to the crop and map it to the encoder input frame;
 * 3. decode the points in batches of `pointsPerBatch` (one decoder run per batch where the decoder batches
 *    prompts, see `generate_multimask_decoder.ts`; the records do not depend on the batch size), keeping
 *    the three multimask tokens (1..3) of each point, flattened point-major (point0-token1, point0-token2, point0-token3, point1-token1, …);
 * 4. per mask, in that order: keep predicted IoU > `predIouThresh`; upsample **only the kept masks** from
 *    low-res to the crop size (spec §A1.3) and compute the stability score on these full-resolution
 *    logits; keep stability ≥ `stabilityScoreThresh`; binarise (> `maskThreshold`); inclusive box; drop
 *    boxes near an inner crop edge; uncrop to the image and encode as COCO RLE (column-major);
 * 5. box NMS within the crop (`boxNmsThresh`, scores = predicted IoU), then uncrop boxes and points.
 * With more than one crop, NMS across crops with score 1/area(crop box) (`cropNmsThresh`); with
 * `minMaskRegionArea` > 0, the small-region clean-up and its NMS (§A3.2 step 13).
 *
 * Upsampling only the masks that pass the IoU filter gives the same records as SA, which upsamples all:
 * every filter is per mask and the IoU filter does not look at the logits. Threshold comparisons use the
 * float32 value of the threshold, as torch compares a float32 tensor with a Python float.
 *
 * Records come out in the order of the last NMS (descending score), each with the segmentation in
 * `outputMode`, the area (pixels of the RLE), the box in SA's XYWH convention from the **inclusive** box
 * (w = x1 − x0, one less than pycocotools' `toBbox`, spec §A3.2 step 14), the predicted IoU, the stability
 * score, the prompt point (image pixels) and the crop box (XYWH).
 *
 * Side effect: the predictor's current image is the last crop encoded.
 *
 * @module
 */
import { decodeRleRowMajor, encodeMaskRowMajor, type Rle, rleArea, rleToString } from "../../mask/mod.ts";
import { transformCoords } from "../prompts/coords_transform.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";
import { postprocessMasks } from "../postprocess/postprocess_masks.ts";
import { type AmgOptions, resolveAmgOptions } from "./amg_options.ts";
import { batchedMaskToBox } from "./batched_mask_to_box.ts";
import { thresholdMask } from "../../mask/threshold_mask.ts";
import { boxNms } from "./box_nms.ts";
import { boxXyxyToXywh } from "./box_xyxy_to_xywh.ts";
import { buildAllLayerPointGrids } from "./build_all_layer_point_grids.ts";
import { calculateStabilityScore } from "./calculate_stability_score.ts";
import { cropImageHwc } from "./crop_image_hwc.ts";
import { type BoxXyxy, generateCropBoxes } from "./generate_crop_boxes.ts";
import type { EmbeddedImage, MultimaskDecoder } from "./generate_multimask_decoder.ts";
import { isBoxNearCropEdge } from "./is_box_near_crop_edge.ts";
import { MaskData } from "./mask_data.ts";
import { postprocessSmallRegions } from "./postprocess_small_regions.ts";
import { scalePointGrid } from "./scale_point_grid.ts";
import { uncropBoxesXyxy } from "./uncrop_boxes_xyxy.ts";
import { uncropMask } from "./uncrop_mask.ts";
import { uncropPoints } from "./uncrop_points.ts";

/** A COCO RLE with compressed string counts. */
export interface CocoRleString {
  size: [number, number];
  counts: string;
}

/** A mask in the AMG's `outputMode`: H×W row-major 0/1 bytes, an {@link Rle}, or a compressed RLE. */
export type AmgSegmentation = Uint8Array | Rle | CocoRleString;

/** One generated mask (SA's annotation record, typed). */
export interface MaskRecord {
  /** The mask, in the format of `outputMode`. */
  segmentation: AmgSegmentation;
  /** Pixels in the mask. */
  area: number;
  /** [x, y, w, h] from the inclusive box: w = x1 − x0, h = y1 − y0 (SA convention). */
  bboxXywh: [number, number, number, number];
  /** The decoder's predicted IoU. */
  predictedIou: number;
  /** Stability score on the full-resolution logits. */
  stabilityScore: number;
  /** The prompt point (x, y) in image pixels. */
  point: [number, number];
  /** The crop the mask came from, [x, y, w, h]. */
  cropBoxXywh: [number, number, number, number];
}

/** Candidate counts through the filters (all crops summed). */
export interface AmgStats {
  crops: number;
  points: number;
  /** Masks decoded (points × 3 multimask tokens). */
  candidates: number;
  afterIou: number;
  afterStability: number;
  afterEdge: number;
  /** After the per-crop NMS. */
  afterNms: number;
  /** Records returned. */
  final: number;
  /** Decoder runs: one per batch of `pointsPerBatch` points (one per point when the decoder cannot batch: SAM2). */
  decoderRuns: number;
  /** Milliseconds in the decoder runs. */
  decodeMs: number;
}

/** Progress after each decoded batch. */
export interface AmgProgress {
  crop: number;
  crops: number;
  pointsDone: number;
  pointsTotal: number;
}

/** Result of {@link generateMasks}. */
export interface AmgResult {
  records: MaskRecord[];
  stats: AmgStats;
}

/**
 * Generates masks for a whole image.
 *
 * @param decoder The all-token decoder (with its predictor).
 * @param image The image (RGB, HWC).
 * @param options AMG options over SAM's defaults (`maskThreshold` defaults to the model's).
 * @param progress Called after each batch.
 * @returns The records in NMS order and filter statistics.
 * @throws {SamqError} `invalid_argument` for bad options (see `resolveAmgOptions`).
 */
export async function generateMasks(
  decoder: MultimaskDecoder,
  image: RgbImage,
  options: Partial<AmgOptions> = {},
  progress?: (p: AmgProgress) => void,
): Promise<AmgResult> {
  const o = resolveAmgOptions({ maskThreshold: decoder.predictor.model.config.maskThreshold, ...options });
  const { h, w } = image;
  const { boxes: cropBoxes, layerIdxs } = generateCropBoxes(h, w, o.cropNLayers, o.cropOverlapRatio);
  const grids = o.pointGrids !== null
    ? o.pointGrids.map((g) => g.slice())
    : buildAllLayerPointGrids(o.pointsPerSide!, o.cropNLayers, o.cropNPointsDownscaleFactor);
  const runs0 = decoder.runs, ms0 = decoder.decodeMs;
  const stats: AmgStats = {
    crops: cropBoxes.length,
    points: 0,
    candidates: 0,
    afterIou: 0,
    afterStability: 0,
    afterEdge: 0,
    afterNms: 0,
    final: 0,
    decoderRuns: 0,
    decodeMs: 0,
  };
  const pointsTotal = cropBoxes.reduce((n, _, i) => n + grids[layerIdxs[i]!]!.length / 2, 0);
  const tick = { crops: cropBoxes.length, pointsDone: 0, pointsTotal };
  let data = MaskData.empty();
  for (let c = 0; c < cropBoxes.length; c++) {
    const cropBox = cropBoxes[c]!;
    const crop = await processCrop(decoder, image, cropBox, grids[layerIdxs[c]!]!, o, stats, (n) => {
      tick.pointsDone += n;
      progress?.({ crop: c, ...tick });
    });
    data = data.concat(crop);
  }
  if (cropBoxes.length > 1 && data.count > 0) {
    // Prefer masks from smaller crops (SA: score = 1 / box_area(crop_box)).
    const scores = new Float32Array(data.count);
    for (let i = 0; i < data.count; i++) {
      const b = data.cropBoxes!.subarray(i * 4, i * 4 + 4);
      scores[i] = 1 / ((b[2]! - b[0]!) * (b[3]! - b[1]!));
    }
    data = data.filter(boxNms(data.boxes!, scores, o.cropNmsThresh));
  }
  if (o.minMaskRegionArea > 0 && data.count > 0) data = cleanSmallRegions(data, h, w, o);
  stats.final = data.count;
  stats.decoderRuns = decoder.runs - runs0;
  stats.decodeMs = decoder.decodeMs - ms0;
  return { records: toRecords(data, o), stats };
}

async function processCrop(
  decoder: MultimaskDecoder,
  image: RgbImage,
  cropBox: BoxXyxy,
  grid: Float64Array,
  o: AmgOptions,
  stats: AmgStats,
  onBatch: (points: number) => void,
): Promise<MaskData> {
  const [x0, y0, x1, y1] = cropBox;
  const full = x0 === 0 && y0 === 0 && x1 === image.w && y1 === image.h;
  const cropImg: RgbImage = full ? image : {
    data: cropImageHwc(image.data, { h: image.h, w: image.w, channels: 3 }, cropBox),
    h: y1 - y0,
    w: x1 - x0,
  };
  const img = await decoder.embed(cropImg);
  const points = scalePointGrid(grid, cropBox);
  const nPoints = points.length / 2;
  stats.points += nPoints;
  let data = MaskData.empty();
  for (let start = 0; start < nPoints; start += o.pointsPerBatch) {
    const batch = points.subarray(2 * start, 2 * Math.min(nPoints, start + o.pointsPerBatch));
    data = data.concat(await processBatch(decoder, img, batch, cropBox, image, o, stats));
    onBatch(batch.length / 2);
  }
  if (data.count === 0) return data;
  data = data.filter(boxNms(data.boxes!, data.iouPreds, o.boxNmsThresh));
  stats.afterNms += data.count;
  const cropBoxes = new Int32Array(data.count * 4);
  for (let i = 0; i < data.count; i++) cropBoxes.set(cropBox, i * 4);
  return data.with({
    boxes: uncropBoxesXyxy(data.boxes!, cropBox),
    points: uncropPoints(data.points, cropBox),
    cropBoxes,
  });
}

/** Decodes one batch and filters its masks one by one (spec §A3.2 steps 4–9). */
async function processBatch(
  decoder: MultimaskDecoder,
  img: EmbeddedImage,
  pointsCrop: Float64Array,
  cropBox: BoxXyxy,
  image: RgbImage,
  o: AmgOptions,
  stats: AmgStats,
): Promise<MaskData> {
  const out = await decoder.decodePoints(img, transformCoords(pointsCrop, img.origSize, img.inputSize));
  const s = out.lowResSize, plane = s * s;
  const multi = out.tokens.flatMap((t, ch) => (t >= 1 && t <= 3 ? [ch] : []));
  const iouThresh = Math.fround(o.predIouThresh);
  const stabThresh = Math.fround(o.stabilityScoreThresh);
  const ch = img.origSize.h, cw = img.origSize.w;
  const origBox: BoxXyxy = [0, 0, image.w, image.h];
  const kept = { iou: [] as number[], stab: [] as number[], pts: [] as number[], boxes: [] as number[] };
  const rles: Rle[] = [];
  for (let p = 0; p < out.count; p++) {
    for (const k of multi) {
      stats.candidates++;
      const iou = out.iou[p * out.channels + k]!;
      if (o.predIouThresh > 0 && !(iou > iouThresh)) continue;
      stats.afterIou++;
      const off = (p * out.channels + k) * plane;
      const logits = postprocessMasks(out.lowRes.subarray(off, off + plane), img.inputSize, img.origSize, {
        size: decoder.predictor.adapter.inputSize,
        lowResSize: s,
      });
      const stab = calculateStabilityScore(logits, 1, o.maskThreshold, o.stabilityScoreOffset)[0]!;
      if (o.stabilityScoreThresh > 0 && !(stab >= stabThresh)) continue;
      stats.afterStability++;
      const mask = thresholdMask(logits, o.maskThreshold);
      const box = batchedMaskToBox(mask, 1, ch, cw);
      if (isBoxNearCropEdge(box, cropBox, origBox)[0]) continue;
      stats.afterEdge++;
      kept.iou.push(iou);
      kept.stab.push(stab);
      kept.pts.push(pointsCrop[2 * p]!, pointsCrop[2 * p + 1]!);
      kept.boxes.push(...box);
      rles.push(encodeMaskRowMajor(uncropMask(mask, cropBox, image.h, image.w), image.h, image.w));
    }
  }
  return new MaskData({
    planeH: 0,
    planeW: 0,
    logits: null,
    masks: null,
    iouPreds: Float32Array.from(kept.iou),
    stabilityScores: Float32Array.from(kept.stab),
    points: Float64Array.from(kept.pts),
    boxes: Int32Array.from(kept.boxes),
    rles,
    cropBoxes: null,
  });
}

/** SA `postprocess_small_regions`: clean masks, NMS preferring unchanged masks, re-encode changed ones. */
function cleanSmallRegions(data: MaskData, h: number, w: number, o: AmgOptions): MaskData {
  const rles = data.rles!;
  const r = postprocessSmallRegions(
    data.count,
    (i) => decodeRleRowMajor(rles[i]!),
    h,
    w,
    o.minMaskRegionArea,
    Math.max(o.boxNmsThresh, o.cropNmsThresh),
  );
  const newRles = rles.slice();
  const boxes = data.boxes!.slice();
  for (const [i, mask] of r.changedMasks) {
    newRles[i] = encodeMaskRowMajor(mask, h, w);
    boxes.set(r.boxes.subarray(i * 4, i * 4 + 4), i * 4);
  }
  return data.with({ rles: newRles, boxes }).filter(r.keep);
}

function toRecords(data: MaskData, o: AmgOptions): MaskRecord[] {
  const boxes = boxXyxyToXywh(data.boxes ?? new Int32Array(0));
  const crops = boxXyxyToXywh(data.cropBoxes ?? new Int32Array(0));
  const out: MaskRecord[] = [];
  for (let i = 0; i < data.count; i++) {
    const rle = data.rles![i]!;
    const segmentation: AmgSegmentation = o.outputMode === "coco_rle"
      ? { size: [rle.size[0], rle.size[1]], counts: rleToString(rle) }
      : o.outputMode === "uncompressed_rle"
      ? rle
      : decodeRleRowMajor(rle);
    out.push({
      segmentation,
      area: rleArea(rle),
      bboxXywh: Array.from(boxes.subarray(i * 4, i * 4 + 4)) as [number, number, number, number],
      predictedIou: data.iouPreds[i]!,
      stabilityScore: data.stabilityScores![i]!,
      point: [data.points[2 * i]!, data.points[2 * i + 1]!],
      cropBoxXywh: Array.from(crops.subarray(i * 4, i * 4 + 4)) as [number, number, number, number],
    });
  }
  return out;
}
