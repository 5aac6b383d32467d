/**
 * COCO object-size buckets by GT `area` (spec §A4.1, §B4.1): small [0, 32²], medium [32², 96²],
 * large [96², 1e10]. Bounds are **inclusive on both sides**, as in pycocotools and EV, so an area of
 * exactly 1024 counts as small and medium, and 9216 as medium and large.
 *
 * @module
 */

/** The bucket names, in table order. */
export const SIZE_BUCKETS = ["small", "medium", "large"] as const;
/** One of {@link SIZE_BUCKETS}. */
export type SizeBucket = typeof SIZE_BUCKETS[number];

/** Inclusive [lo, hi] area range of each bucket (pycocotools `areaRng`). */
export const SIZE_BUCKET_RANGES: Readonly<Record<SizeBucket, readonly [number, number]>> = Object.freeze({
  small: [0, 32 ** 2] as const,
  medium: [32 ** 2, 96 ** 2] as const,
  large: [96 ** 2, 1e10] as const,
});

/**
 * Lists the buckets an area falls into (one, or two on a shared bound).
 *
 * @param area GT area in pixels.
 * @returns The matching buckets in table order.
 *
 * @example Usage
 * ```ts
 * import { objectSizeBuckets } from "./object_size_buckets.ts";
 * objectSizeBuckets(1024); // ["small", "medium"]
 * ```
 */
export function objectSizeBuckets(area: number): SizeBucket[] {
  return SIZE_BUCKETS.filter((b) => area >= SIZE_BUCKET_RANGES[b][0] && area <= SIZE_BUCKET_RANGES[b][1]);
}
