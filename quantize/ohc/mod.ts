/**
 * PQ-SAM's outlier hierarchical clustering: IQR fence, central-group peeling, closed-form v_n/s_n.
 *
 * @module
 */
export { IQR_FENCE_DEFAULTS, iqrFence } from "./iqr_fence.ts";
export type { IqrFence, IqrFenceOptions } from "./iqr_fence.ts";
export { CENTRAL_GROUP_PEELING_DEFAULTS, centralGroupPeeling } from "./central_group_peeling.ts";
export type { CentralGroupPeelingOptions } from "./central_group_peeling.ts";
export { OHC_INITS, ohcInit } from "./ohc_init.ts";
export type { GroupShiftScale, OhcInitRule } from "./ohc_init.ts";
export { OHC_DEFAULTS, outlierHierarchicalClustering } from "./outlier_hierarchical_clustering.ts";
export type { OhcOptions, OhcResult } from "./outlier_hierarchical_clustering.ts";
