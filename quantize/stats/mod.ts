/**
 * Order statistics shared by observers, OHC and the searches.
 *
 * @module
 */
export { quantileSorted } from "./quantile_sorted.ts";
export { quantiles } from "./quantile.ts";
