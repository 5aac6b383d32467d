/**
 * The `point` and `box` modes (spec §A4.1, DESIGN §3): one prompt per object, mIoU and mDice per object
 * averaged over the dataset, with the COCO small/medium/large breakdown by the GT's stored `area`.
 *
 * - Objects: `selectPromptObjects` (crowd skipped, stored area ≥ `minArea`), in annotation order; an
 *   object whose decoded GT mask is empty is skipped too (no center point exists) and counted, in both
 *   modes so that they score the same objects.
 * - `point`: one positive click at `centerPoint` of the GT mask (exact EDT, first maximum row-major).
 * - `box`: the GT box, COCO XYWH → XYXY (`gtBoxXyxy`).
 * - Mask: what `SamPredictor.predict` returns — the multimask token (1..3) with the highest predicted IoU;
 *   for an official single-mask export the graph's own choice, which for one click or a box alone
 *   (N = 2 prompt rows) is the same best-of-3 rule (spec §A2.1). `counts.tokens` histograms the tokens
 *   reported by the predictor (−1 = chosen inside the graph).
 * - IoU and Dice: `maskIouDice` (exact ratios; both empty → 0).
 *
 * @module
 */
import { centerPoint } from "../../datasets/prompts/center_point.ts";
import { gtBoxXyxy } from "../../datasets/prompts/gt_box_xyxy.ts";
import type { PromptProtocolOptions } from "../../datasets/prompts/prompt_protocol_options.ts";
import { selectPromptObjects } from "../../datasets/prompts/select_prompt_objects.ts";
import { createMaskMetricAccumulator } from "../metrics/create_mask_metric_accumulator.ts";
import { maskIouDice } from "../../mask/mask_iou_dice.ts";
import type { PromptInput } from "../../sam/predictor.ts";
import type { ImageContext, Json, ModeOutcome, ModeRunner } from "./mode_runner.ts";

/** How the point and box modes choose among the decoder's masks. */
export const PROMPT_MASK_CHOICE = "best-predicted-iou";

/**
 * Creates the runner of the point or box mode.
 *
 * @param mode "point" or "box".
 * @param prompt Resolved prompt protocol options.
 * @returns The mode runner.
 */
export function createPromptModeRunner(mode: "point" | "box", prompt: PromptProtocolOptions): ModeRunner {
  const acc = createMaskMetricAccumulator();
  const tokens = new Map<number, number>();
  const counts = { images: 0, objects: 0, skippedCrowd: 0, skippedSmallArea: 0, skippedEmptyMask: 0 };
  let decodeMs = 0;
  const protocol: { [key: string]: Json } = mode === "point"
    ? {
      prompt: "center-point",
      pointRule: prompt.pointRule,
      skipCrowd: prompt.skipCrowd,
      minArea: prompt.minArea,
      maskChoice: PROMPT_MASK_CHOICE,
    }
    : {
      prompt: "gt-box-xyxy",
      skipCrowd: prompt.skipCrowd,
      minArea: prompt.minArea,
      maskChoice: PROMPT_MASK_CHOICE,
    };
  return {
    mode,
    label: mode,
    protocol,
    imageLimit: null,
    async processImage(ctx: ImageContext): Promise<string> {
      const { sample } = ctx;
      counts.images++;
      for (const o of sample.objects) {
        if (prompt.skipCrowd && o.iscrowd) counts.skippedCrowd++;
        else if (o.area < prompt.minArea) counts.skippedSmallArea++;
      }
      let n = 0;
      for (const obj of selectPromptObjects(sample.objects, prompt)) {
        const gt = ctx.gtMask(obj);
        let input: PromptInput;
        if (mode === "point") {
          const cp = centerPoint(gt, sample.h, sample.w);
          if (cp === null) {
            counts.skippedEmptyMask++;
            continue;
          }
          input = { points: [[cp.x, cp.y]] };
        } else {
          if (!gt.some((v) => v !== 0)) {
            counts.skippedEmptyMask++;
            continue;
          }
          input = { box: gtBoxXyxy(obj.bboxXywh) };
        }
        const t0 = performance.now();
        const pred = await ctx.predictor.predict(input);
        decodeMs += performance.now() - t0;
        const r = maskIouDice(pred.mask, gt);
        acc.add({ gtArea: obj.area, iou: r.iou, dice: r.dice });
        tokens.set(pred.token, (tokens.get(pred.token) ?? 0) + 1);
        n++;
      }
      counts.objects += n;
      return `${n} obj`;
    },
    finish(): ModeOutcome {
      const tokenCounts: { [key: string]: Json } = {};
      for (const t of [...tokens.keys()].sort((a, b) => a - b)) tokenCounts[String(t)] = tokens.get(t)!;
      return {
        mode,
        metrics: acc.summary(),
        counts: { ...counts, tokens: tokenCounts },
        decodeMs,
      };
    },
  };
}
