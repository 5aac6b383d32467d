/**
 * Datasets: COCO/LVIS, SA-1B and folder loaders behind one streaming `Dataset` interface, dataset specs
 * (`kind:path[:split]`, short names, synthetic scenes), the synthetic generator and the
 * calibration/evaluation disjointness check. Prompt protocols live in `prompts/`.
 *
 * @module
 */
export * from "./assert_disjoint.ts";
export * from "./dataset.ts";
export * from "./load_coco_dataset.ts";
export * from "./load_folder_dataset.ts";
export * from "./load_sa1b_dataset.ts";
export * from "./open_dataset.ts";
export * from "./synthetic.ts";
export * from "./prompts/mod.ts";
