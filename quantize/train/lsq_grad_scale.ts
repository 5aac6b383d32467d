/**
 * LSQ's gradient scale for step-size parameters (spec §1, §6): g = 1/√(N·Q_P), with N the number of
 * elements the quantizer sees per call (per-channel: N/C) and Q_P the largest integer level (2^b − 1
 * unsigned/asymmetric, 2^(b−1) − 1 symmetric). Applied as a gradient multiplier before the optimizer.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** g = 1/√(N·Q_P). */
export function lsqGradScale(numElements: number, qmax: number): number {
  if (!(numElements >= 1 && qmax >= 1)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot compute the LSQ gradient scale: N = ${numElements} and Q_P = ${qmax} must be at least 1`,
      { field: "lsqGradScale" },
    );
  }
  return 1 / Math.sqrt(numElements * qmax);
}
