/**
 * Quantization: `quantizeModel` (model folder in, quantized model folder with `quant.json` out), the
 * method registry (`METHODS`, `getMethod`; every method and its shared steps: `quantize/methods`),
 * `quant.json` I/O, the bit settings, and the pure math methods compose: quantizers, observers, OHC
 * grouping, folding, KDE and searches.
 *
 * @module
 */
export * from "./quantizers/mod.ts";
export * from "./observers/mod.ts";
export * from "./ohc/mod.ts";
export * from "./fold/mod.ts";
export * from "./kde/mod.ts";
export * from "./search/mod.ts";
export * from "./stats/mod.ts";
export * from "./quantize_model.ts";
export * from "./quant_json.ts";
export { getMethod, METHODS } from "./methods/mod.ts";
export type { AnyMethod, Method, QuantizedModel } from "./methods/mod.ts";
export { bitsLabel, compareBits, FLOAT_BITS, formatBits, isBitWidth, parseBits } from "../util/bits.ts";
export type { BitWidths } from "../util/bits.ts";
