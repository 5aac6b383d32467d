/**
 * AHCPTQ's channel-aware grouping (CAG, spec §10): k-means of per-channel quantizer parameters into a
 * few shared groups, and the grouping read back from the parameters.
 *
 * @module
 */
export { kmeans } from "./kmeans.ts";
export type { KmeansOptions, KmeansResult } from "./kmeans.ts";
export { cagStages, progressiveGrouping } from "./progressive_grouping.ts";
export type { ProgressiveGrouping } from "./progressive_grouping.ts";
export { channelGroups } from "./channel_groups.ts";
export type { ChannelGroups } from "./channel_groups.ts";
