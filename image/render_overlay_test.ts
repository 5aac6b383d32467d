import assert from "node:assert/strict";
import { renderOverlay } from "./render_overlay.ts";
import { SamqError } from "../util/errors.ts";

const px = (img: Uint8Array, w: number, x: number, y: number) =>
  Array.from(img.subarray(3 * (y * w + x), 3 * (y * w + x) + 3));

Deno.test("renderOverlay() blends the fill and draws the contour opaque", () => {
  const h = 7, w = 7;
  const rgb = new Uint8Array(h * w * 3).fill(100);
  const mask = new Uint8Array(h * w);
  for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) mask[y * w + x] = 1;
  const out = renderOverlay(rgb, h, w, [{ mask, color: [200, 0, 0] }], { alpha: 0.5, lineWidth: 1 });
  assert.deepEqual(px(out, w, 0, 0), [100, 100, 100]); // outside
  assert.deepEqual(px(out, w, 1, 1), [200, 0, 0]); // contour
  assert.deepEqual(px(out, w, 3, 3), [150, 50, 50]); // interior blend
  assert.deepEqual(px(rgb, w, 3, 3), [100, 100, 100]); // input untouched
});

Deno.test("renderOverlay() draws boxes and points", () => {
  const h = 20, w = 20;
  const rgb = new Uint8Array(h * w * 3);
  const out = renderOverlay(rgb, h, w, [], {
    boxes: [[2, 2, 10, 10]],
    points: [{ x: 15, y: 15, label: 1 }, { x: 4, y: 16, label: 0 }],
    lineWidth: 1,
    pointRadius: 2,
  });
  assert.deepEqual(px(out, w, 2, 5), [255, 215, 0]);
  assert.deepEqual(px(out, w, 10, 10), [255, 215, 0]);
  assert.deepEqual(px(out, w, 6, 6), [0, 0, 0]);
  assert.deepEqual(px(out, w, 15, 15), [0, 200, 0]);
  assert.deepEqual(px(out, w, 4, 16), [220, 0, 0]);
  assert.deepEqual(px(out, w, 18, 15), [255, 255, 255]); // rim at distance 3
});

Deno.test("renderOverlay() rejects wrong sizes", () => {
  assert.throws(() => renderOverlay(new Uint8Array(5), 1, 2, []), SamqError);
  assert.throws(
    () => renderOverlay(new Uint8Array(6), 1, 2, [{ mask: new Uint8Array(3), color: [1, 2, 3] }]),
    (e) => e instanceof SamqError && e.field === "masks[0]",
  );
});
