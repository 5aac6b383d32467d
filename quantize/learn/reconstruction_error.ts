/**
 * Host-side reconstruction error, the same quantity as the loss graph of `append_loss.ts` (without the
 * AdaRound regulariser, which is 0 at hard rounding): Σ_outputs factor·mean(|ŷ − y|^p), factor = size of
 * dim 1 when `sumAxis1`. Used to compare learned and initial parameters on the evaluation samples.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { ReconstructionLossOptions } from "./append_loss.ts";

/** Error of `outputs` against `targets` (same names; float32 tensors). */
export function reconstructionError(
  outputs: Readonly<Record<string, ort.Tensor>>,
  targets: Readonly<Record<string, ort.Tensor>>,
  names: readonly string[],
  options: ReconstructionLossOptions = {},
): number {
  const { exponent = 2, sumAxis1 = false, weight = 1 } = options;
  let total = 0;
  for (const n of names) {
    const a = outputs[n]!.data as Float32Array, b = targets[n]!.data as Float32Array;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      s += exponent === 2 ? d * d : d ** exponent;
    }
    const factor = sumAxis1 ? (outputs[n]!.dims[1] ?? 1) : 1;
    total += (factor * s) / Math.max(a.length, 1);
  }
  return total * weight;
}
