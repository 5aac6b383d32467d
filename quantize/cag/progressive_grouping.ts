/**
 * AHCPTQ's channel-aware grouping (CAG, spec §10; official `GroupLSQFakeQuantize.group_channel`): the
 * per-channel quantizers of a Linear input are merged into a few groups that share one (Δ, z). Each
 * channel c starts from its own (Δ_c, z_c); each stage clusters the channels' current (Δ, z) pairs by
 * k-means (`kmeans.ts`, unscaled, as the official code) into the stage's group count, every channel then
 * takes its group's centroid (Δ = mean Δ, z = round-half-up of the mean z), and the next stage clusters
 * those. The official stages are 8g, 4g, 2g, g groups (32 → 16 → 8 → 4 for g = 4).
 *
 * Pure: arrays in, arrays out; randomness from the seeded `prng`.
 *
 * @module
 */
import type { Prng } from "../../util/prng.ts";
import { roundHalfUp } from "../quantizers/round_half_up.ts";
import { check } from "../_layout.ts";
import { kmeans, type KmeansOptions } from "./kmeans.ts";

/** Result of {@link progressiveGrouping}. */
export interface ProgressiveGrouping {
  /** Group-shared Δ and z of every channel, float32 [C]. */
  scale: Float32Array;
  zeroPoint: Float32Array;
  /** Group of every channel after the last stage, int32 [C]. */
  labels: Int32Array;
  /** Groups after each stage. */
  groupsPerStage: number[];
}

/** The stage group counts for `groups` final groups: 8g, 4g, 2g, g (official schedule). */
export function cagStages(groups: number): number[] {
  return [8 * groups, 4 * groups, 2 * groups, groups];
}

/** Groups channels with steps `scale` and zero-points `zeroPoint` (float32 [C] each) stage by stage. */
export function progressiveGrouping(
  scale: Float32Array,
  zeroPoint: Float32Array,
  stages: readonly number[],
  prng: Prng,
  options: KmeansOptions = {},
): ProgressiveGrouping {
  const C = scale.length;
  check(
    C >= 1 && zeroPoint.length === C,
    "zeroPoint",
    `Cannot group ${C} scales with ${zeroPoint.length} zero-points`,
  );
  let s: Float64Array = Float64Array.from(scale), z: Float64Array = Float64Array.from(zeroPoint);
  let labels: Int32Array = Int32Array.from({ length: C }, (_, c) => c);
  const groupsPerStage: number[] = [];
  for (const k of stages) {
    const points = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) [points[2 * c], points[2 * c + 1]] = [s[c]!, z[c]!];
    const r = kmeans(points, 2, k, prng, options);
    const gs = Float64Array.from({ length: r.k }, (_, j) => Math.fround(r.centroids[2 * j]!));
    const gz = Float64Array.from({ length: r.k }, (_, j) => roundHalfUp(r.centroids[2 * j + 1]!));
    s = Float64Array.from(r.labels, (j) => gs[j]!);
    z = Float64Array.from(r.labels, (j) => gz[j]!);
    labels = r.labels;
    groupsPerStage.push(r.k);
  }
  return { scale: Float32Array.from(s), zeroPoint: Float32Array.from(z), labels, groupsPerStage };
}
