/**
 * SAM models: model directories, layout adapters, the predictor, pre/post-processing and image I/O.
 *
 * @module
 */
export * from "./model_dir.ts";
export * from "./model_install.ts";
export * from "./model_import.ts";
export * from "./known_models.ts";
export * from "./adapters/types.ts";
export * from "./adapters/official.ts";
export * from "./adapters/hf.ts";
export * from "./adapters/open_adapter.ts";
export * from "./predictor.ts";
export * from "./preprocess/preprocess_shape.ts";
export * from "./preprocess/preprocess_image.ts";
export * from "./preprocess/preprocess_normalize_and_pad.ts";
export * from "../image/resize_pillow_bilinear.ts";
export * from "./prompts/coords_transform.ts";
export * from "./prompts/coords_transform_boxes.ts";
export * from "./prompts/coords_pack_official.ts";
export * from "../image/bilinear_resize_half_pixel.ts";
export * from "./postprocess/postprocess_masks.ts";
export * from "../mask/threshold_mask.ts";
export * from "./postprocess/select_mask_best.ts";
export * from "../mask/mask_area.ts";
export * from "../mask/mask_iou.ts";
export * from "../mask/stability_score.ts";
export * from "../mask/mask_to_box.ts";
export * from "../image/read_image_rgb.ts";
export * from "../image/write_mask_png.ts";
export * from "../image/render_overlay.ts";
export * from "../image/write_overlay_png.ts";
export * from "./adapters/sam2.ts";
export * from "./preprocess/preprocess_resize_normalize_pad.ts";
export * from "./preprocess/preprocess_pool.ts";
export * from "./preprocess/preprocess_pool_encoder.ts";
export * from "./amg/mod.ts";
