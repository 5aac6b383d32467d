/**
 * The channel groups of a grouped per-channel quantizer (AHCPTQ's CAG, spec §10), read back from its
 * parameters: channels with the same (Δ, z) share one quantizer. Groups are numbered in order of first
 * appearance, so the mapping is a pure function of the parameters (no extra record field is needed in
 * `quant.json`, and a learned group step can be expanded again to the C channels).
 *
 * @module
 */

/** Groups of {@link channelGroups}. */
export interface ChannelGroups {
  /** Group of each channel, int32 [C]. */
  labels: Int32Array;
  /** Number of groups G. */
  groups: number;
  /** Δ and z of each group, float32 [G]. */
  scale: Float32Array;
  zeroPoint: Float32Array;
}

/** Groups channels by equal (scale[c], zeroPoint[c]). */
export function channelGroups(scale: Float32Array, zeroPoint: Float32Array): ChannelGroups {
  const index = new Map<string, number>();
  const labels = new Int32Array(scale.length);
  const s: number[] = [], z: number[] = [];
  for (let c = 0; c < scale.length; c++) {
    const key = `${scale[c]}|${zeroPoint[c]}`;
    let g = index.get(key);
    if (g === undefined) {
      g = s.length;
      index.set(key, g);
      s.push(scale[c]!);
      z.push(zeroPoint[c]!);
    }
    labels[c] = g;
  }
  return { labels, groups: s.length, scale: Float32Array.from(s), zeroPoint: Float32Array.from(z) };
}
