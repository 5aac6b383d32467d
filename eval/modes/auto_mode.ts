/**
 * The `auto` mode (spec §A4.2, DESIGN §3): the automatic mask generator with SAM's defaults on each of
 * the first `autoLimit` images; its masks are class-agnostic proposals ranked by `autoScore` (predicted
 * IoU by default) and scored with COCOeval `segm`, `useCats` = 0: AR@100 with maxDets [1, 10, 100] and
 * AR@1000 with [1, 10, 1000] (`evaluateProposals`), against the GT of the same images (crowd GTs are
 * ignored as COCOeval does). Also reported: masks per image and the AMG filter counts.
 *
 * @module
 */
import type { Dataset } from "../../datasets/dataset.ts";
import { invariant } from "../../util/errors.ts";
import type { AmgOptions } from "../../sam/amg/amg_options.ts";
import { type AmgStats, generateMasks } from "../../sam/amg/generate_masks.ts";
import type { Rle } from "../coco/mod.ts";
import { evaluateProposals, type Proposal } from "../metrics/evaluate_proposals.ts";
import type { AutoScore } from "./eval_options.ts";
import type { ImageContext, Json, ModeOutcome, ModeRunner } from "./mode_runner.ts";

/** The proposal budgets of the automatic mode (the K of AR@K). */
export const AUTO_MAX_DETS = [100, 1000] as const;

/** Options of {@link createAutoModeRunner}. */
export interface AutoModeOptions {
  /** Resolved AMG options (`outputMode` is replaced by "uncompressed_rle"). */
  amg: AmgOptions;
  /** Images to evaluate (first N); null = all. */
  autoLimit: number | null;
  /** Ranking score. */
  autoScore: AutoScore;
}

/** The AMG options as recorded: JSON, without the output format (it does not change any number). */
function amgProtocol(amg: AmgOptions): { [key: string]: Json } {
  const { outputMode: _outputMode, pointGrids, ...rest } = amg;
  return { ...rest, pointGrids: pointGrids === null ? null : pointGrids.map((g) => Array.from(g)) };
}

/**
 * Creates the runner of the automatic mode.
 *
 * @param dataset The evaluated dataset (its GT is read at the end).
 * @param options AMG options, image limit and ranking score.
 * @returns The mode runner.
 */
export function createAutoModeRunner(dataset: Dataset, options: AutoModeOptions): ModeRunner {
  const proposals: Proposal[] = [];
  const imageIds = new Set<number>();
  const totals: Omit<AmgStats, "decodeMs"> = {
    crops: 0,
    points: 0,
    candidates: 0,
    afterIou: 0,
    afterStability: 0,
    afterEdge: 0,
    afterNms: 0,
    final: 0,
    decoderRuns: 0,
  };
  let decodeMs = 0;
  return {
    mode: "auto",
    label: "auto",
    protocol: {
      amg: amgProtocol(options.amg),
      score: options.autoScore,
      maxDets: AUTO_MAX_DETS.map((k) => [1, 10, k]),
      useCats: false,
      imageLimit: options.autoLimit,
    },
    imageLimit: options.autoLimit,
    async processImage(ctx: ImageContext): Promise<string> {
      invariant(ctx.multimask !== null, "the auto mode needs the all-token decoder");
      const t0 = performance.now();
      const { records, stats } = await generateMasks(ctx.multimask, ctx.image, {
        ...options.amg,
        outputMode: "uncompressed_rle",
      }, (p) => ctx.step(`auto: ${p.pointsDone}/${p.pointsTotal} points`));
      decodeMs += performance.now() - t0;
      imageIds.add(ctx.sample.imageId);
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += stats[key];
      for (const r of records) {
        proposals.push({
          imageId: ctx.sample.imageId,
          segmentation: r.segmentation as Rle,
          score: options.autoScore === "predicted_iou" ? r.predictedIou : r.stabilityScore,
        });
      }
      return `${records.length} masks`;
    },
    finish(): ModeOutcome {
      const full = dataset.toCocoJson();
      const gt = {
        ...full,
        images: full.images.filter((i) => imageIds.has(i.id)),
        annotations: full.annotations.filter((a) => imageIds.has(a.image_id)),
      };
      const [ar100, ar1000] = AUTO_MAX_DETS.map((k) => evaluateProposals(gt, proposals, k));
      const images = imageIds.size;
      return {
        mode: "auto",
        metrics: {
          AR100: ar100!.ARmax,
          AR1000: ar1000!.ARmax,
          masksPerImage: images ? proposals.length / images : 0,
          ar100: { ...ar100! },
          ar1000: { ...ar1000! },
        },
        counts: { images, gtObjects: gt.annotations.length, masks: proposals.length, ...totals },
        decodeMs,
      };
    },
  };
}
