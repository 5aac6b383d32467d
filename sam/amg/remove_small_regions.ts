/**
 * Small hole / island removal (spec §A3.2 step 13, SA `remove_small_regions`).
 *
 * - "holes": label the 8-connected components of the **inverted** mask; components with fewer than
 *   `areaThresh` pixels are filled. Background pieces touching the border count too.
 * - "islands": label the components of the mask; components with fewer than `areaThresh` pixels are
 *   removed; when every component is small, the largest (first maximum in label order) is kept.
 *
 * `changed` is true whenever at least one small component exists (as in SA, even if the kept-largest rule
 * leaves the mask as it was).
 *
 * @module
 */
import { connectedComponents } from "./_connected_components.ts";

/** The two clean-up modes. */
export const SMALL_REGION_MODES = ["holes", "islands"] as const;
/** One of {@link SMALL_REGION_MODES}. */
export type SmallRegionMode = typeof SMALL_REGION_MODES[number];

/** Result of {@link removeSmallRegions}. */
export interface SmallRegionResult {
  /** The cleaned h×w row-major 0/1 mask (the input itself when unchanged). */
  mask: Uint8Array;
  /** Whether any small component was found. */
  changed: boolean;
}

/**
 * Removes small holes or islands from a binary mask.
 *
 * @param mask h×w row-major binary mask (0 / non-zero).
 * @param h Height.
 * @param w Width.
 * @param areaThresh Components with area < areaThresh are small.
 * @param mode "holes" or "islands".
 * @returns The new mask and whether it changed.
 *
 * @example Usage
 * ```ts
 * import { removeSmallRegions } from "./remove_small_regions.ts";
 * const m = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1]);
 * removeSmallRegions(m, 3, 3, 2, "holes").mask; // all ones
 * ```
 */
export function removeSmallRegions(
  mask: Uint8Array,
  h: number,
  w: number,
  areaThresh: number,
  mode: SmallRegionMode,
): SmallRegionResult {
  if (mask.length !== h * w) {
    throw new RangeError(`Cannot clean mask: expected ${h}×${w} values, got ${mask.length}`);
  }
  if (!(SMALL_REGION_MODES as readonly string[]).includes(mode)) {
    throw new RangeError(`Cannot clean mask: mode must be "holes" or "islands", got "${mode}"`);
  }
  const holes = mode === "holes";
  const working = new Uint8Array(h * w);
  for (let i = 0; i < working.length; i++) working[i] = (mask[i] ? 1 : 0) ^ (holes ? 1 : 0);
  const { labels, nLabels, sizes } = connectedComponents(working, h, w);
  const fill = new Uint8Array(nLabels); // labels that are set in the output
  let anySmall = false;
  for (let l = 1; l < nLabels; l++) if (sizes[l]! < areaThresh) anySmall = true;
  if (!anySmall) return { mask, changed: false };
  if (holes) {
    fill[0] = 1;
    for (let l = 1; l < nLabels; l++) if (sizes[l]! < areaThresh) fill[l] = 1;
  } else {
    let anyKept = false;
    for (let l = 1; l < nLabels; l++) {
      if (sizes[l]! >= areaThresh) {
        fill[l] = 1;
        anyKept = true;
      }
    }
    if (!anyKept) {
      let best = 1;
      for (let l = 2; l < nLabels; l++) if (sizes[l]! > sizes[best]!) best = l;
      fill[best] = 1;
    }
  }
  const out = new Uint8Array(h * w);
  for (let i = 0; i < out.length; i++) out[i] = fill[labels[i]!]!;
  return { mask: out, changed: true };
}
