import assert from "node:assert/strict";
import { MaskData } from "./mask_data.ts";

function batch(ious: number[]): MaskData {
  const n = ious.length;
  return new MaskData({
    planeH: 1,
    planeW: 2,
    logits: Float32Array.from({ length: n * 2 }, (_, i) => i),
    masks: null,
    iouPreds: Float32Array.from(ious),
    stabilityScores: null,
    points: Float64Array.from({ length: n * 2 }, (_, i) => i * 10),
    boxes: null,
    rles: null,
    cropBoxes: null,
  });
}

Deno.test("MaskData.filter() keeps flagged masks in order and index lists in index order", () => {
  const d = batch([0.1, 0.2, 0.3]);
  const f = d.filter(Uint8Array.from([1, 0, 1]));
  assert.equal(f.count, 2);
  assert.deepEqual(Array.from(f.iouPreds), [Math.fround(0.1), Math.fround(0.3)]);
  assert.deepEqual(Array.from(f.logits!), [0, 1, 4, 5]);
  assert.deepEqual(Array.from(f.points), [0, 10, 40, 50]);
  const g = d.filter(Int32Array.from([2, 0]));
  assert.deepEqual(Array.from(g.points), [40, 50, 0, 10]);
});

Deno.test("MaskData.concat() joins batches and treats an empty batch as identity", () => {
  const c = MaskData.empty().concat(batch([0.5])).concat(batch([0.25, 0.75]));
  assert.equal(c.count, 3);
  assert.deepEqual(Array.from(c.iouPreds), [0.5, 0.25, 0.75]);
  assert.deepEqual(Array.from(c.logits!), [0, 1, 0, 1, 2, 3]);
});

Deno.test("MaskData throws RangeError when fields disagree", () => {
  assert.throws(() => batch([1]).with({ points: new Float64Array(3) }), RangeError);
  assert.throws(() => batch([1]).concat(batch([1]).with({ logits: null })), RangeError);
  assert.throws(() => batch([1]).filter(new Uint8Array(2)), RangeError);
});

Deno.test("MaskData.with() replaces fields and drops logits", () => {
  const d = batch([0.5, 0.6]).with({ logits: null, boxes: new Int32Array(8) });
  assert.equal(d.logits, null);
  assert.equal(d.boxes!.length, 8);
});
