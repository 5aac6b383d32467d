import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { maskIouDice } from "../../mask/mask_iou_dice.ts";
import { objectSizeBuckets } from "./object_size_buckets.ts";
import { createMaskMetricAccumulator } from "./create_mask_metric_accumulator.ts";

Deno.test("maskIouDice() computes IoU and Dice of overlapping masks", () => {
  const r = maskIouDice(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0]));
  assert.deepEqual(r, { intersection: 1, union: 3, predArea: 2, gtArea: 2, iou: 1 / 3, dice: 0.5 });
  assert.equal(maskIouDice(Uint8Array.from([1, 0]), Uint8Array.from([1, 0])).iou, 1);
});

Deno.test("maskIouDice() gives 0 when both masks are empty (0/0 rule)", () => {
  const r = maskIouDice(new Uint8Array(4), new Uint8Array(4));
  assert.equal(r.iou, 0);
  assert.equal(r.dice, 0);
  assert.equal(maskIouDice(Uint8Array.from([1, 0]), new Uint8Array(2)).iou, 0);
});

Deno.test("maskIouDice() throws invalid_argument when sizes differ", () => {
  assert.throws(() => maskIouDice(new Uint8Array(3), new Uint8Array(4)), (e: unknown) => {
    assert.ok(e instanceof SamqError);
    assert.equal(e.code, "invalid_argument");
    assert.equal(e.field, "gt");
    return true;
  });
});

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
