/**
 * Qualitative figures of one evaluation: for `count` prompted objects (the prompt protocol's object
 * rule; images in dataset order, the largest objects of each image first), the model's mask for the mode's prompt drawn over the
 * image, one PNG per object named `<imageId>_<annId>.png` in the mode's `figuresDir`. Every method gets
 * the same objects and prompts, so the report can put float and each method side by side.
 *
 * Point mode uses the protocol's click (farthest from the boundary), box mode the GT box. The automatic
 * and detector-box modes have no per-object prompt and get no overlays.
 *
 * @module
 */
import { join } from "node:path";
import { openDataset } from "../datasets/open_dataset.ts";
import { centerPoint } from "../datasets/prompts/center_point.ts";
import { gtBoxXyxy } from "../datasets/prompts/gt_box_xyxy.ts";
import { PROMPT_PROTOCOL_DEFAULTS } from "../datasets/prompts/prompt_protocol_options.ts";
import { selectPromptObjects } from "../datasets/prompts/select_prompt_objects.ts";
import type { ExecutionProvider } from "../runtime/execution_provider.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { writeOverlayPng } from "../image/write_overlay_png.ts";
import { SamPredictor } from "../sam/predictor.ts";
import type { BenchMode } from "./config.ts";

/** Mask colour per mode (RGB). */
const COLORS: Record<"point" | "box", [number, number, number]> = {
  point: [30, 144, 255],
  box: [255, 99, 71],
};

/** Options of {@link writeQualitativeOverlays}. */
export interface QualitativeOptions {
  /** Modes with their output folders; only point and box are drawn. */
  modes: readonly { mode: BenchMode; figuresDir: string }[];
  /** Objects to draw. */
  count: number;
  /** Images considered (the first N); null = all. */
  limit: number | null;
  ep: ExecutionProvider;
}

/**
 * Writes the overlays.
 *
 * @param modelDir Model folder.
 * @param datasetSpec Dataset spec.
 * @param options Modes, count, limit, EP.
 * @returns Number of PNG files written.
 */
export async function writeQualitativeOverlays(
  modelDir: string,
  datasetSpec: string,
  options: QualitativeOptions,
): Promise<number> {
  const modes = options.modes.filter((m): m is { mode: "point" | "box"; figuresDir: string } =>
    m.mode === "point" || m.mode === "box"
  );
  if (modes.length === 0 || options.count <= 0) return 0;
  const dataset = await openDataset(datasetSpec, { limit: options.limit });
  const predictor = await SamPredictor.open(await loadModelDir(modelDir), { ep: options.ep });
  for (const m of modes) await Deno.mkdir(m.figuresDir, { recursive: true });
  let objects = 0;
  let written = 0;
  for await (const sample of dataset.samples()) {
    if (objects >= options.count) break;
    const chosen = selectPromptObjects(sample.objects, PROMPT_PROTOCOL_DEFAULTS).slice(
      0,
      options.count - objects,
    );
    if (chosen.length === 0) continue;
    const img = await sample.readImage();
    await predictor.setImage(img);
    for (const obj of chosen) {
      objects++;
      const name = `${sample.imageId}_${obj.annId}.png`;
      for (const m of modes) {
        if (m.mode === "point") {
          const c = centerPoint(obj.mask(), sample.h, sample.w);
          if (c === null) continue;
          const p = await predictor.predict({ points: [[c.x, c.y]] });
          await writeOverlayPng(
            img.data,
            img.h,
            img.w,
            [{ mask: p.mask, color: COLORS.point }],
            join(m.figuresDir, name),
            {
              points: [{ x: c.x, y: c.y, label: 1 }],
            },
          );
        } else {
          const box = gtBoxXyxy(obj.bboxXywh);
          const p = await predictor.predict({ box });
          await writeOverlayPng(
            img.data,
            img.h,
            img.w,
            [{ mask: p.mask, color: COLORS.box }],
            join(m.figuresDir, name),
            {
              boxes: [box],
            },
          );
        }
        written++;
      }
    }
  }
  return written;
}
