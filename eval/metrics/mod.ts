/**
 * Evaluation metrics: per-object IoU/Dice, COCO size buckets, the streaming mIoU accumulator, and
 * class-agnostic proposal recall (AR@K) through the COCO evaluator.
 *
 * @module
 */
export * from "./create_mask_metric_accumulator.ts";
export * from "../../mask/mask_iou_dice.ts";
export * from "./object_size_buckets.ts";
export * from "./evaluate_proposals.ts";
