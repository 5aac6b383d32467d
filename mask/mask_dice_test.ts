import assert from "node:assert/strict";
import { maskDice } from "./mask_dice.ts";
import { SamqError } from "../util/errors.ts";

Deno.test("maskDice() agrees with hand counts", () => {
  const a = new Uint8Array([1, 1, 0, 0, 1]);
  const b = new Uint8Array([0, 1, 1, 0, 255]);
  assert.equal(maskDice(a, b), (2 * 2) / 6);
  assert.equal(maskDice(a, a), 1);
});

Deno.test("maskDice() gives 0 for two empty masks and rejects a size mismatch", () => {
  const e = new Uint8Array(4);
  assert.equal(maskDice(e, e), 0);
  assert.throws(() => maskDice(e, new Uint8Array(3)), (x) => x instanceof SamqError && x.field === "b");
});
