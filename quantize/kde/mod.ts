/**
 * Gaussian KDE (scipy semantics), scipy-style peak finding and PTQ4SAM's bimodality test.
 *
 * @module
 */
export { gaussianKde } from "./gaussian_kde.ts";
export type { KdeEvaluation } from "./gaussian_kde.ts";
export { findPeaks } from "./find_peaks.ts";
export type { FindPeaksOptions } from "./find_peaks.ts";
export { BIMODAL_DEFAULTS, isBimodal } from "./is_bimodal.ts";
export type { BimodalOptions, BimodalResult } from "./is_bimodal.ts";
