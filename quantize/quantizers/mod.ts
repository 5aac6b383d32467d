/**
 * Quantizer parameters and the host reference fake quantization (uniform affine and log2/log√2),
 * rounding half up as `Floor(x + 0.5)` like the emitted ONNX graphs.
 *
 * @module
 */
export { BIT_WIDTHS } from "./quantizer_params.ts";
export type {
  BitWidth,
  HluqQuantizerParams,
  LogQuantizerParams,
  QuantizerParams,
  UniformQuantizerParams,
} from "./quantizer_params.ts";
export { roundHalfUp } from "./round_half_up.ts";
export { uniformQRange } from "./uniform_qrange.ts";
export { UNIFORM_RANGE_DEFAULTS, uniformParamsFromRange } from "./uniform_params_from_range.ts";
export type { UniformRangeOptions } from "./uniform_params_from_range.ts";
export { validateQuantizerParams } from "./validate_quantizer_params.ts";
export { fakeQuant } from "./fake_quant.ts";
export { countDistinctOnGrid, GRID_COUNT_DEFAULTS } from "./count_distinct_on_grid.ts";
export type { GridCount, GridCountOptions } from "./count_distinct_on_grid.ts";
export { fakeQuantHluq, hluqIndex, hluqLevels, hluqLogLevels, hluqParamsFromRange } from "./hluq.ts";
