/**
 * Point grids for every crop layer (SA `build_all_layer_point_grids`): layer i uses
 * int(nPerSide / scalePerLayer^i) points per side.
 *
 * @module
 */
import { buildPointGrid } from "./build_point_grid.ts";

/**
 * Builds the grids of layers 0..nLayers.
 *
 * @param nPerSide Points per side of layer 0.
 * @param nLayers Number of extra crop layers (the result has nLayers + 1 grids).
 * @param scalePerLayer Downscale factor per layer (SA `crop_n_points_downscale_factor`).
 * @returns One Float64Array of (x, y) pairs in [0, 1] per layer.
 *
 * @example Usage
 * ```ts
 * import { buildAllLayerPointGrids } from "./build_all_layer_point_grids.ts";
 * buildAllLayerPointGrids(32, 2, 2).map((g) => g.length / 2); // [1024, 256, 64]
 * ```
 */
export function buildAllLayerPointGrids(
  nPerSide: number,
  nLayers: number,
  scalePerLayer: number,
): Float64Array[] {
  const grids: Float64Array[] = [];
  for (let i = 0; i <= nLayers; i++) {
    grids.push(buildPointGrid(Math.trunc(nPerSide / scalePerLayer ** i)));
  }
  return grids;
}
