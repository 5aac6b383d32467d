/**
 * Range and scale searches: L_p error, L_p range search (MSE observers), RepQ-ViT's percentile-MSE
 * search and scipy-style bounded scalar minimisation (AGQ).
 *
 * @module
 */
export { lpError } from "./lp_error.ts";
export { LP_RANGE_SEARCH_DEFAULTS, LP_SEARCH_GRIDS, lpRangeSearch } from "./lp_range_search.ts";
export type { LpRangeResult, LpRangeSearchOptions, LpSearchGrid } from "./lp_range_search.ts";
export { PERCENTILE_MSE_DEFAULTS, percentileMseSearch } from "./percentile_mse_search.ts";
export type {
  PercentileMseResult,
  PercentileMseSearchOptions,
  PercentileSearchQuantizer,
} from "./percentile_mse_search.ts";
export { BOUNDED_MINIMIZE_DEFAULTS, minimizeScalarBounded } from "./minimize_scalar_bounded.ts";
export type { BoundedMinimizeOptions, BoundedMinimum } from "./minimize_scalar_bounded.ts";
export { searchHluq } from "./hluq_search.ts";
export type { HluqCandidate, HluqSearchInput, HluqSearchResult } from "./hluq_search.ts";
