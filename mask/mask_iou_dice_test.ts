import assert from "node:assert/strict";
import { SamqError } from "../util/errors.ts";
import { maskIouDice } from "./mask_iou_dice.ts";

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

Deno.test("maskIouDice() counts any non-zero value as foreground (hand counts)", () => {
  const a = new Uint8Array([1, 1, 0, 0, 1]);
  const b = new Uint8Array([0, 1, 1, 0, 255]);
  const r = maskIouDice(a, b);
  assert.equal(r.iou, 2 / 4);
  assert.equal(r.dice, (2 * 2) / 6);
  assert.equal(maskIouDice(a, a).dice, 1);
});
