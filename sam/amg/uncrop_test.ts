import assert from "node:assert/strict";
import { isBoxNearCropEdge } from "./is_box_near_crop_edge.ts";
import { uncropBoxesXyxy } from "./uncrop_boxes_xyxy.ts";
import { uncropMask } from "./uncrop_mask.ts";
import { uncropPoints } from "./uncrop_points.ts";
import { scalePointGrid } from "./scale_point_grid.ts";
import { cropImageHwc } from "./crop_image_hwc.ts";

Deno.test("isBoxNearCropEdge() flags inner crop edges within 20 px but not image edges", () => {
  const crop = [100, 0, 300, 200] as const;
  const orig = [0, 0, 300, 200] as const;
  const boxes = new Int32Array([
    0,
    50,
    30,
    80, // x0 = 100 after uncrop: on the inner left edge → near
    20,
    50,
    30,
    80, // x0 = 120: |120 − 100| = 20 ≤ 20 → near
    21,
    50,
    30,
    80, // x0 = 121 → not near
    150,
    0,
    199,
    199, // touches top (image edge), right/bottom image edges → not near
  ]);
  assert.deepEqual(Array.from(isBoxNearCropEdge(boxes, crop, orig)), [1, 1, 0, 0]);
  assert.deepEqual(Array.from(isBoxNearCropEdge(boxes, orig, orig)), [0, 0, 0, 0]);
});

Deno.test("uncropBoxesXyxy() and uncropPoints() add the crop origin", () => {
  assert.deepEqual(Array.from(uncropBoxesXyxy(new Int32Array([1, 2, 3, 4]), [10, 20, 50, 60])), [
    11,
    22,
    13,
    24,
  ]);
  assert.deepEqual(Array.from(uncropPoints(new Float64Array([1.5, 2]), [10, 20, 50, 60])), [11.5, 22]);
});

Deno.test("uncropMask() zero-pads a crop mask into the image", () => {
  const m = uncropMask(Uint8Array.from([1, 0, 1, 1]), [1, 1, 3, 3], 3, 4);
  assert.deepEqual(Array.from(m), [0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0]);
  const full = Uint8Array.from([1, 0]);
  assert.equal(uncropMask(full, [0, 0, 2, 1], 1, 2), full);
  assert.throws(() => uncropMask(full, [0, 0, 3, 1], 1, 3), RangeError);
});

Deno.test("scalePointGrid() and cropImageHwc() work in the crop frame", () => {
  assert.deepEqual(Array.from(scalePointGrid(new Float64Array([0.5, 0.25]), [10, 0, 110, 40])), [50, 10]);
  const img = Uint8Array.from({ length: 2 * 3 * 2 }, (_, i) => i); // 2×3, 2 channels
  assert.deepEqual(Array.from(cropImageHwc(img, { h: 2, w: 3, channels: 2 }, [1, 1, 3, 2])), [8, 9, 10, 11]);
  assert.throws(() => cropImageHwc(img, { h: 2, w: 3, channels: 2 }, [1, 1, 4, 2]), RangeError);
});
