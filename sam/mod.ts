/**
 * SAM models: model directories, layout adapters, the predictor, pre/post-processing, SAM2 and the
 * automatic mask generator (image I/O is in `image/`, masks and RLE in `mask/`).
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
export * from "./adapters/official_layout.ts";
export * from "./adapters/hf_layout.ts";
export { SAM2_LAYOUT } from "./adapters/sam2_layout.ts";
export * from "./adapters/layout_of.ts";
export * from "./predictor.ts";
export * from "./preprocess/preprocess_shape.ts";
export * from "./preprocess/preprocess_image.ts";
export * from "./preprocess/preprocess_normalize_and_pad.ts";
export * from "./prompts/coords_transform.ts";
export * from "./prompts/coords_transform_boxes.ts";
export * from "./prompts/coords_pack_official.ts";
export * from "./postprocess/postprocess_masks.ts";
export * from "./postprocess/select_mask_best.ts";
export * from "./adapters/sam2.ts";
export * from "./preprocess/preprocess_resize_normalize_pad.ts";
export * from "./preprocess/preprocess_pool.ts";
export * from "./preprocess/preprocess_pool_encoder.ts";
export * from "./amg/mod.ts";
