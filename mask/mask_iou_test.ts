import assert from "node:assert/strict";
import { maskIou } from "./mask_iou.ts";
import { SamqError } from "../util/errors.ts";

Deno.test("maskIou() agrees with hand counts", () => {
  const a = new Uint8Array([1, 1, 0, 0, 1]);
  const b = new Uint8Array([0, 1, 1, 0, 255]);
  assert.equal(maskIou(a, b), 2 / 4);
  assert.equal(maskIou(a, a), 1);
});

Deno.test("maskIou() gives 0 for two empty masks and rejects a size mismatch", () => {
  const e = new Uint8Array(4);
  assert.equal(maskIou(e, e), 0);
  assert.throws(() => maskIou(e, new Uint8Array(3)), (x) => x instanceof SamqError && x.field === "gt");
});
