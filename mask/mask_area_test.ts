import assert from "node:assert/strict";
import { maskArea } from "./mask_area.ts";

Deno.test("maskArea() counts non-zero pixels", () => {
  assert.equal(maskArea(new Uint8Array([0, 1, 1, 0, 255])), 3);
  assert.equal(maskArea(new Uint8Array(0)), 0);
});
