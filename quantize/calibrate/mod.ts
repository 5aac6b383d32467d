/**
 * Calibration: the calibration set (disjoint from evaluation data, with decoder prompts), running SAM with
 * taps (`runSamForward`), streaming tapped tensors into observers (`calibrateTaps`), and progress events.
 *
 * @module
 */
export { canonicalDatasetSpec, openCalibrationSet } from "./calibration_set.ts";
export type {
  CalibrationImage,
  CalibrationPrompt,
  CalibrationSet,
  CalibrationSetOptions,
  DisjointCheck,
} from "./calibration_set.ts";
export { officialDecoderFeeds } from "./official_decoder_feeds.ts";
export { runSamForward } from "./run_sam_forward.ts";
export type {
  CustomReduction,
  ForwardVisitor,
  RunOutputs,
  SamForwardOptions,
  SamForwardReport,
  TapSpec,
} from "./run_sam_forward.ts";
export { appendTapReduction, samplePositions } from "./tap_reduction.ts";
export type { TapReduction } from "./tap_reduction.ts";
export { calibrateTaps } from "./calibrate_taps.ts";
export type { CalibrateTapsOptions, CalibrationTap } from "./calibrate_taps.ts";
export { NO_PROGRESS, QUANTIZE_PHASES } from "./progress.ts";
export type { ProgressEvent, ProgressFn, QuantizePhase } from "./progress.ts";
