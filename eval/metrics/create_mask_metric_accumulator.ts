/**
 * Streaming per-dataset mIoU / mDice with a breakdown by COCO object size (spec §A4.1).
 *
 * `add` one object at a time (nothing but running sums is kept); `summary` returns the means over all
 * objects and per size bucket (by GT area, inclusive bounds: see `object_size_buckets.ts`). Sums run in
 * add order, so the same inputs give identical numbers. A bucket with no objects has null means.
 *
 * @module
 */
import { objectSizeBuckets, SIZE_BUCKETS, type SizeBucket } from "./object_size_buckets.ts";

/** Means over a set of objects. */
export interface MaskMetricMeans {
  /** Number of objects. */
  count: number;
  /** Mean IoU in [0, 1], or null when count is 0. */
  mIoU: number | null;
  /** Mean Dice in [0, 1], or null when count is 0. */
  mDice: number | null;
}

/** Dataset-level summary (JSON-serialisable). */
export interface MaskMetricSummary extends MaskMetricMeans {
  /** The same means per object-size bucket. */
  bySize: Record<SizeBucket, MaskMetricMeans>;
}

/** One object's scores. */
export interface ObjectScore {
  /** GT area (the annotation's stored `area`, as COCO buckets use). */
  gtArea: number;
  /** IoU in [0, 1]. */
  iou: number;
  /** Dice in [0, 1]. */
  dice: number;
}

/** A running accumulator. */
export interface MaskMetricAccumulator {
  /** Adds one object. */
  add(score: ObjectScore): void;
  /** Current means (can be called at any time). */
  summary(): MaskMetricSummary;
}

interface Sums {
  count: number;
  iou: number;
  dice: number;
}

const means = (s: Sums): MaskMetricMeans => ({
  count: s.count,
  mIoU: s.count ? s.iou / s.count : null,
  mDice: s.count ? s.dice / s.count : null,
});

/**
 * Creates an empty accumulator.
 *
 * @returns An accumulator with `add` and `summary`.
 *
 * @example Usage
 * ```ts
 * import { createMaskMetricAccumulator } from "./create_mask_metric_accumulator.ts";
 * const acc = createMaskMetricAccumulator();
 * acc.add({ gtArea: 500, iou: 0.8, dice: 0.9 });
 * acc.summary().bySize.small.mIoU; // 0.8
 * ```
 */
export function createMaskMetricAccumulator(): MaskMetricAccumulator {
  const all: Sums = { count: 0, iou: 0, dice: 0 };
  const buckets = Object.fromEntries(SIZE_BUCKETS.map((b) => [b, { count: 0, iou: 0, dice: 0 }])) as Record<
    SizeBucket,
    Sums
  >;
  const addTo = (s: Sums, score: ObjectScore) => {
    s.count++;
    s.iou += score.iou;
    s.dice += score.dice;
  };
  return {
    add(score) {
      if (!Number.isFinite(score.iou) || !Number.isFinite(score.dice) || !Number.isFinite(score.gtArea)) {
        throw new RangeError(`Cannot add object score: values must be finite, got ${JSON.stringify(score)}`);
      }
      addTo(all, score);
      for (const b of objectSizeBuckets(score.gtArea)) addTo(buckets[b], score);
    },
    summary() {
      return {
        ...means(all),
        bySize: {
          small: means(buckets.small),
          medium: means(buckets.medium),
          large: means(buckets.large),
        },
      };
    },
  };
}
