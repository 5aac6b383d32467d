/**
 * Prompt protocols (spec §A4): the center point (exact EDT), the GT box, detector boxes, and their
 * recorded options.
 *
 * @module
 */
export * from "./center_point.ts";
export * from "./gt_box_xyxy.ts";
export * from "./load_detections.ts";
export * from "./prompt_protocol_options.ts";
export * from "./squared_distance_transform.ts";
export * from "./select_prompt_objects.ts";
