/**
 * Internal: the naming contract of emitted quantizers, shared by the emitters and the audit.
 *
 * - every node and constant of one activation quantizer is named `samq.q/<id>/<step>`;
 * - its output tensor is named exactly `samq.q/<id>`;
 * - a fake-quantized weight constant is named exactly `samq.q/<id>` (id = the original constant name).
 *
 * @module
 */

/** Prefix of everything samq's quantizers emit. */
export const QUANT_PREFIX = "samq.q/";

/** Output tensor (activation) or constant (weight) name of quantizer `id`. */
export function quantizerTensorName(id: string): string {
  return `${QUANT_PREFIX}${id}`;
}

/** Name of step `step` (node or constant) of quantizer `id`. */
export function quantizerStepName(id: string, step: string): string {
  return `${QUANT_PREFIX}${id}/${step}`;
}
