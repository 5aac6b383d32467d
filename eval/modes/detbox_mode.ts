/**
 * The `detbox` mode (spec §A4.3, DESIGN §3): detector boxes as prompts, one mask each, COCO `segm`
 * evaluation with our COCOeval port against the dataset's GT (crowd included, as COCOeval wants).
 *
 * - Boxes: the detections file (`loadDetections`: per image, best score first, score ≥ threshold, top-k),
 *   or — without a file — the GT boxes of the prompted objects (non-crowd, area ≥ `minArea`) with
 *   detector score 1: the **oracle-box** variant, labelled `oracle: true` in the protocol and "(oracle-box)"
 *   in every printed label.
 * - Mask: `detboxMask` "single-token" = SAM's token 0 (PTQ4SAM/AHCPTQ convention; for an official
 *   single-mask export it is reached through the multimask surgery, since the export itself returns the
 *   best-of-3 for a box alone, spec §A2.1), or "best-of-3" = the multimask token with the highest
 *   predicted IoU. A layout without token 0 (HF) uses best-of-3; `metrics.maskTokenUsed` says which.
 * - Score: detector score × the predicted IoU of the kept mask.
 * - Results carry no `bbox`, so COCOeval takes areas from the masks (spec §B2.3).
 *
 * @module
 */
import type { Dataset } from "../../datasets/dataset.ts";
import { gtBoxXyxy } from "../../datasets/prompts/gt_box_xyxy.ts";
import type { Detection } from "../../datasets/prompts/load_detections.ts";
import type { PromptProtocolOptions } from "../../datasets/prompts/prompt_protocol_options.ts";
import { selectPromptObjects } from "../../datasets/prompts/select_prompt_objects.ts";
import { invariant, SamqError } from "../../util/errors.ts";
import { transformBoxesXyxy } from "../../sam/prompts/coords_transform_boxes.ts";
import { postprocessMasks } from "../../sam/postprocess/postprocess_masks.ts";
import { thresholdMask } from "../../mask/threshold_mask.ts";
import { encodeMaskRowMajor, evaluateCoco, rleToString } from "../coco/mod.ts";
import type { DetboxMask } from "./eval_options.ts";
import type { ImageContext, Json, ModeOutcome, ModeRunner } from "./mode_runner.ts";

/** Options of {@link createDetboxModeRunner}. */
export interface DetboxModeOptions {
  /** Resolved prompt options (detections path, threshold, top-k; crowd/area rules for oracle boxes). */
  prompt: PromptProtocolOptions;
  /** Detections per image id (from `loadDetections`), or null for the oracle-box variant. */
  detections: Map<number, Detection[]> | null;
  /** sha256 of the detections file, or null. */
  detectionsSha256: string | null;
  /** Which mask to keep. */
  detboxMask: DetboxMask;
}

interface BoxPrompt {
  box: [number, number, number, number];
  categoryId: number;
  score: number;
  source: string;
}

function boxPrompts(ctx: ImageContext, o: DetboxModeOptions, path: string | null): BoxPrompt[] {
  const { sample } = ctx;
  if (o.detections === null) {
    return selectPromptObjects(sample.objects, o.prompt).map((obj) => ({
      box: gtBoxXyxy(obj.bboxXywh),
      categoryId: obj.categoryId,
      score: 1,
      source: `annotation ${obj.annId}`,
    }));
  }
  return (o.detections.get(sample.imageId) ?? []).map((d) => {
    if (!(d.bboxXywh[2] >= 0 && d.bboxXywh[3] >= 0)) {
      throw new SamqError(
        "invalid_file",
        `Cannot use detections "${path}": record ${d.index} has a negative box size [${
          d.bboxXywh.join(", ")
        }]`,
        { ...(path === null ? {} : { path }), field: `/${d.index}/bbox` },
      );
    }
    // A box that crosses the border is a normal detection; one with no pixel in the image is not.
    const [x, y, w, h] = d.bboxXywh;
    if (x >= ctx.image.w || y >= ctx.image.h || x + w <= 0 || y + h <= 0) {
      throw new SamqError(
        "invalid_file",
        `Cannot use detections "${path}": record ${d.index} box [${
          d.bboxXywh.join(", ")
        }] lies outside the ${ctx.image.w}x${ctx.image.h} image ${sample.imageId}`,
        { ...(path === null ? {} : { path }), field: `/${d.index}/bbox` },
      );
    }
    return {
      box: gtBoxXyxy(d.bboxXywh),
      categoryId: d.categoryId,
      score: d.score,
      source: `record ${d.index}`,
    };
  });
}

/**
 * Creates the runner of the detector-box mode.
 *
 * @param dataset The evaluated dataset (its GT is read at the end).
 * @param options Detections (or null for oracle boxes), prompt options and the mask rule.
 * @returns The mode runner.
 */
export function createDetboxModeRunner(dataset: Dataset, options: DetboxModeOptions): ModeRunner {
  const oracle = options.detections === null;
  const path = options.prompt.detections;
  const results: { image_id: number; category_id: number; segmentation: Json; score: number }[] = [];
  const tokens = new Map<number, number>();
  const used = new Set<DetboxMask>();
  const counts = { images: 0, prompts: 0 };
  let decodeMs = 0;
  return {
    mode: "detbox",
    label: oracle ? "detbox (oracle-box)" : "detbox",
    protocol: {
      boxes: oracle ? "gt-boxes" : "detections",
      oracle,
      detections: path,
      detectionsSha256: options.detectionsSha256,
      detScoreThreshold: options.prompt.detScoreThreshold,
      detTopK: options.prompt.detTopK,
      ...(oracle ? { skipCrowd: options.prompt.skipCrowd, minArea: options.prompt.minArea } : {}),
      mask: options.detboxMask,
      score: "detector-score*predicted-iou",
      iouType: "segm",
    },
    imageLimit: null,
    async processImage(ctx: ImageContext): Promise<string> {
      invariant(ctx.multimask !== null, "the detbox mode needs the all-token decoder");
      counts.images++;
      const prompts = boxPrompts(ctx, options, path);
      if (prompts.length === 0) return "0 boxes";
      const img = await ctx.embedded();
      const { h, w } = ctx.image;
      const t0 = performance.now();
      for (const p of prompts) {
        const out = await ctx.multimask.decodeBox(
          img,
          transformBoxesXyxy(p.box, img.origSize, img.inputSize),
        );
        const token0 = out.tokens.indexOf(0);
        let ch = token0;
        if (options.detboxMask === "best-of-3" || token0 < 0) {
          ch = -1;
          out.tokens.forEach((t, i) => {
            if (t >= 1 && (ch < 0 || out.iou[i]! > out.iou[ch]!)) ch = i;
          });
          used.add("best-of-3");
        } else {
          used.add("single-token");
        }
        const s = out.lowResSize;
        const logits = postprocessMasks(
          out.lowRes.subarray(ch * s * s, (ch + 1) * s * s),
          img.inputSize,
          img.origSize,
          {
            size: ctx.predictor.adapter.inputSize,
            lowResSize: s,
          },
        );
        const rle = encodeMaskRowMajor(thresholdMask(logits, ctx.predictor.model.config.maskThreshold), h, w);
        results.push({
          image_id: ctx.sample.imageId,
          category_id: p.categoryId,
          segmentation: { size: [h, w], counts: rleToString(rle) },
          score: p.score * out.iou[ch]!,
        });
        tokens.set(out.tokens[ch]!, (tokens.get(out.tokens[ch]!) ?? 0) + 1);
      }
      decodeMs += performance.now() - t0;
      counts.prompts += prompts.length;
      return `${prompts.length} boxes`;
    },
    finish(): ModeOutcome {
      const r = evaluateCoco(dataset.toCocoJson(), results, { iouType: "segm" });
      const tokenCounts: { [key: string]: Json } = {};
      for (const t of [...tokens.keys()].sort((a, b) => a - b)) tokenCounts[String(t)] = tokens.get(t)!;
      return {
        mode: "detbox",
        metrics: {
          ...r.summary,
          stats: r.stats,
          oracle,
          maskTokenUsed: used.size === 0 ? null : [...used].join("+"),
        },
        counts: { ...counts, results: results.length, tokens: tokenCounts },
        decodeMs,
      };
    },
  };
}
