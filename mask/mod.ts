/**
 * Binary masks and their run-length encoding, shared by every layer above (datasets, sam, eval): the
 * pycocotools mask API (RLE encode/decode in column-major runs starting with zeros, the compressed
 * string codec, polygon and box rasterisation, area, box, merge, IoU with crowd semantics, the
 * struct-of-arrays `RleStore`) and the dense-mask operations (threshold, area, IoU/Dice, inclusive
 * XYXY box, stability score). Pure functions over typed arrays.
 *
 * @example Encode a row-major mask
 * ```ts
 * import { encodeMaskRowMajor, rleArea, rleToString } from "./mod.ts";
 * const rle = encodeMaskRowMajor(new Uint8Array([0, 1, 1, 0]), 2, 2);
 * rleArea(rle); // 2
 * rleToString(rle); // "102"
 * ```
 *
 * @module
 */
export type { Rle } from "./rle.ts";
export { decodeRleColumnMajor, decodeRleRowMajor, encodeMaskColumnMajor, encodeMaskRowMajor } from "./rle.ts";
export { rleFromString, rleToString } from "./rle_string.ts";
export { rleFromBbox, rleFromPolygon, rleFromPolygons } from "./fr_poly.ts";
export { rleArea, rleMerge, rleToBbox } from "./rle_ops.ts";
export { bboxIou, rleIou } from "./rle_iou.ts";
export { decodeRleString, RleStore, runsArea, runsIou, runsToBbox } from "./rle_store.ts";
export type { Segmentation } from "./ann_to_rle.ts";
export { annToRle } from "./ann_to_rle.ts";
export { thresholdMask } from "./threshold_mask.ts";
export { maskArea } from "./mask_area.ts";
export { maskIou } from "./mask_iou.ts";
export type { MaskOverlap } from "./mask_iou_dice.ts";
export { maskIouDice } from "./mask_iou_dice.ts";
export { maskToBoxXyxyInclusive } from "./mask_to_box.ts";
export { stabilityScore } from "./stability_score.ts";
