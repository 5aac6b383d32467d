/**
 * Pure helpers of the automatic mask generator (spec §A3): point grids, crop boxes, the typed `MaskData`
 * batch, stability score, mask boxes, the crop-edge filter, uncropping, box NMS and small-region removal.
 * The generator loop that runs the decoder composes these.
 *
 * @module
 */
export * from "./amg_options.ts";
export * from "./batched_mask_to_box.ts";
export * from "./box_nms.ts";
export * from "./box_xyxy_to_xywh.ts";
export * from "./build_all_layer_point_grids.ts";
export * from "./build_point_grid.ts";
export * from "./calculate_stability_score.ts";
export * from "./crop_image_hwc.ts";
export * from "./generate_crop_boxes.ts";
export * from "./is_box_near_crop_edge.ts";
export * from "./mask_data.ts";
export * from "./postprocess_small_regions.ts";
export * from "./remove_small_regions.ts";
export * from "./scale_point_grid.ts";
export * from "./uncrop_boxes_xyxy.ts";
export * from "./uncrop_mask.ts";
export * from "./uncrop_points.ts";
export * from "./generate_masks.ts";
export * from "./generate_multimask_decoder.ts";
