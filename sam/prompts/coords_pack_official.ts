/**
 * Prompt packing for the official SAM ONNX decoder (spec §A1.2 "Padding rule", §A2.1 "Prompt packing";
 * SA notebook `onnx_model_example.ipynb`).
 *
 * Rules (all coordinates already in the 1024 input frame, see `transformCoords`):
 * - points only → the points, then one padding point (0, 0) with label −1;
 * - box only → its two corners with labels 2 (top-left) and 3 (bottom-right), **no** padding point;
 * - points and box → the points, then the two corners, no padding point.
 * Labels: 1 foreground, 0 background, 2/3 box corners, −1 padding. The decoder takes labels as float32.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Prompts for one image, in the model input frame. */
export interface PromptsInputFrame {
  /** Points `[x0, y0, x1, y1, …]` (length 2N) in the input (1024) frame. */
  points?: ArrayLike<number>;
  /** Labels per point (length N): 1 foreground, 0 background. */
  labels?: ArrayLike<number>;
  /** One box `[x0, y0, x1, y1]` (XYXY) in the input frame. */
  box?: ArrayLike<number>;
}

/** Decoder feeds for the prompts. */
export interface PackedPrompts {
  /** `point_coords`: float32 `[1, N, 2]`, (x, y) per row. */
  coords: Float32Array;
  /** `point_labels`: float32 `[1, N]`. */
  labels: Float32Array;
  /** N, the number of rows (padding and box corners included). */
  n: number;
}

/**
 * Packs points and/or one box into the `point_coords` / `point_labels` feeds of the official decoder.
 *
 * @param prompts Points with labels and/or a box, in the input frame.
 * @returns `{coords [1,N,2], labels [1,N], n}` as float32.
 * @throws {SamqError} `invalid_prompt` when there is no prompt, lengths disagree, or a label is not 0/1.
 *
 * @example Usage
 * ```ts
 * import { packPromptsOfficial } from "./coords_pack_official.ts";
 * const p = packPromptsOfficial({ points: [512, 384], labels: [1] });
 * // p.coords = [512, 384, 0, 0], p.labels = [1, -1], p.n = 2
 * ```
 */
export function packPromptsOfficial(prompts: PromptsInputFrame): PackedPrompts {
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
  const n = nPoints + (box === undefined ? 1 : 2);
  const coords = new Float32Array(n * 2);
  const outLabels = new Float32Array(n);
  for (let i = 0; i < nPoints; i++) {
    coords[2 * i] = points[2 * i]!;
    coords[2 * i + 1] = points[2 * i + 1]!;
    outLabels[i] = labels[i]!;
  }
  if (box === undefined) {
    // Padding point (0, 0) stays zero in coords.
    outLabels[nPoints] = -1;
  } else {
    coords.set([box[0]!, box[1]!, box[2]!, box[3]!], 2 * nPoints);
    outLabels[nPoints] = 2;
    outLabels[nPoints + 1] = 3;
  }
  return { coords, labels: outLabels, n };
}
