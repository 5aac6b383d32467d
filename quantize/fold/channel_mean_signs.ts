/**
 * PTQ4SAM's BIG sign vector (spec §4.2): γ_c = sign(mean over all tokens of channel c) ∈ {±1} of the key
 * activations K; a zero mean gives +1.
 *
 * @module
 */
import { check } from "../_layout.ts";

/** γ (float32, [C], entries ±1) from `values` (row-major [rows, channels]). */
export function channelMeanSigns(
  values: Float32Array,
  dims: { rows: number; channels: number },
): Float32Array {
  const { rows, channels } = dims;
  check(
    values.length === rows * channels && channels > 0,
    "dims",
    `Cannot use dims ${rows}×${channels} for ${values.length} values`,
  );
  const sum = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) sum[c] = sum[c]! + values[r * channels + c]!;
  }
  return Float32Array.from(sum, (s) => (s < 0 ? -1 : 1));
}
