/**
 * The GT-box prompt (spec §A4.1 "Box prompt"): COCO bbox [x, y, w, h] → XYXY [x, y, x + w, y + h], in
 * original-image pixel coordinates (continuous, no ±1), as EV's `run_box` does.
 *
 * @module
 */

/**
 * Converts a COCO XYWH box to the XYXY box prompt.
 *
 * @param bboxXywh [x, y, w, h] in pixels.
 * @returns [x0, y0, x1, y1].
 *
 * @example Usage
 * ```ts
 * import { gtBoxXyxy } from "./gt_box_xyxy.ts";
 * gtBoxXyxy([10, 20, 30, 40]); // [10, 20, 40, 60]
 * ```
 */
export function gtBoxXyxy(
  bboxXywh: readonly [number, number, number, number],
): [number, number, number, number] {
  const [x, y, w, h] = bboxXywh;
  return [x, y, x + w, y + h];
}
