/**
 * The AMG's small-region clean-up over all masks of an image (spec §A3.2 step 13, SA
 * `SamAutomaticMaskGenerator.postprocess_small_regions`).
 *
 * For each mask: fill holes smaller than `minArea`, then remove islands smaller than `minArea`; the mask
 * is "changed" if either step found a small region. Then box NMS over the new masks' boxes with score 1
 * (unchanged) / 0 (changed) and threshold `nmsThresh` (SA: max(box_nms_thresh, crop_nms_thresh)). The
 * caller re-encodes the RLE and box of kept changed masks only; predicted IoU and stability are not
 * recomputed.
 *
 * @module
 */
import { batchedMaskToBox } from "./batched_mask_to_box.ts";
import { boxNms } from "./box_nms.ts";
import { removeSmallRegions } from "./remove_small_regions.ts";

/** Result of {@link postprocessSmallRegions}. */
export interface PostprocessSmallRegionsResult {
  /** Kept indices in NMS order (unchanged masks first, then by input order). */
  keep: Int32Array;
  /** count×4 inclusive XYXY boxes of the cleaned masks (all inputs). */
  boxes: Int32Array;
  /** count flags: 1 when the mask was changed. */
  changed: Uint8Array;
  /** The cleaned masks of the kept changed masks (h×w row-major), by input index. */
  changedMasks: Map<number, Uint8Array>;
}

/**
 * Cleans every mask and runs the score-by-unchanged NMS.
 *
 * @param count Number of masks.
 * @param decode Returns mask i as h×w row-major 0/1 (called once per mask; masks are not all held).
 * @param h Image height.
 * @param w Image width.
 * @param minArea SA `min_mask_region_area` (> 0).
 * @param nmsThresh NMS IoU threshold.
 * @returns Kept indices, boxes, changed flags and the new masks that must be re-encoded.
 */
export function postprocessSmallRegions(
  count: number,
  decode: (i: number) => Uint8Array,
  h: number,
  w: number,
  minArea: number,
  nmsThresh: number,
): PostprocessSmallRegionsResult {
  const boxes = new Int32Array(count * 4);
  const changed = new Uint8Array(count);
  const scores = new Float32Array(count);
  const changedAll = new Map<number, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const holes = removeSmallRegions(decode(i), h, w, minArea, "holes");
    const islands = removeSmallRegions(holes.mask, h, w, minArea, "islands");
    const isChanged = holes.changed || islands.changed;
    changed[i] = isChanged ? 1 : 0;
    scores[i] = isChanged ? 0 : 1;
    boxes.set(batchedMaskToBox(islands.mask, 1, h, w), i * 4);
    if (isChanged) changedAll.set(i, islands.mask);
  }
  const keep = boxNms(boxes, scores, nmsThresh);
  const changedMasks = new Map<number, Uint8Array>();
  for (const i of keep) {
    const m = changedAll.get(i);
    if (m) changedMasks.set(i, m);
  }
  return { keep, boxes, changed, changedMasks };
}
