import assert from "node:assert/strict";
import { objectSizeBuckets } from "./object_size_buckets.ts";
import { createMaskMetricAccumulator } from "./create_mask_metric_accumulator.ts";

Deno.test("objectSizeBuckets() includes both bounds", () => {
  assert.deepEqual(objectSizeBuckets(0), ["small"]);
  assert.deepEqual(objectSizeBuckets(1024), ["small", "medium"]);
  assert.deepEqual(objectSizeBuckets(1025), ["medium"]);
  assert.deepEqual(objectSizeBuckets(9216), ["medium", "large"]);
  assert.deepEqual(objectSizeBuckets(1e6), ["large"]);
});

Deno.test("createMaskMetricAccumulator() averages overall and per size bucket", () => {
  const acc = createMaskMetricAccumulator();
  assert.deepEqual(acc.summary().bySize.large, { count: 0, mIoU: null, mDice: null });
  acc.add({ gtArea: 100, iou: 0.5, dice: 0.6 });
  acc.add({ gtArea: 1024, iou: 1, dice: 1 });
  acc.add({ gtArea: 20000, iou: 0, dice: 0 });
  const s = acc.summary();
  assert.equal(s.count, 3);
  assert.equal(s.mIoU, 0.5);
  assert.deepEqual(s.bySize.small, { count: 2, mIoU: 0.75, mDice: 0.8 });
  assert.deepEqual(s.bySize.medium, { count: 1, mIoU: 1, mDice: 1 });
  assert.deepEqual(s.bySize.large, { count: 1, mIoU: 0, mDice: 0 });
  assert.throws(() => acc.add({ gtArea: 1, iou: NaN, dice: 0 }), RangeError);
});
