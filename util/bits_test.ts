import assert from "node:assert/strict";
import { SamqError } from "./errors.ts";
import { BIT_WIDTHS, bitsLabel, compareBits, FLOAT_BITS, formatBits, isBitWidth, parseBits } from "./bits.ts";

const isBitsError = (field: string) => (e: unknown) =>
  e instanceof SamqError && e.code === "invalid_argument" && e.field === field;

Deno.test("parseBits() reads wXaY in any case and keeps each width", () => {
  assert.deepEqual(parseBits("w8a8"), { w: 8, a: 8 });
  assert.deepEqual(parseBits(" W4A8 "), { w: 4, a: 8 });
  assert.deepEqual(parseBits("w2a2"), { w: 2, a: 2 });
});

Deno.test("parseBits() refuses other forms and widths outside 2–8, naming the field", () => {
  for (const bad of ["w9a8", "w1a1", "w10a10", "w4a16", "w4", "8/8", "int8", "fp32", ""]) {
    assert.throws(() => parseBits(bad), isBitsError("bits"), bad);
    assert.throws(() => parseBits(bad, "/bits/3"), isBitsError("/bits/3"), bad);
  }
});

Deno.test("isBitWidth() accepts exactly the integers 2 through 8", () => {
  assert.deepEqual([...BIT_WIDTHS], [2, 3, 4, 5, 6, 7, 8]);
  for (const v of [2, 3, 4, 5, 6, 7, 8]) assert.ok(isBitWidth(v), String(v));
  for (const v of [0, 1, 9, 16, 4.5, "4", null]) assert.ok(!isBitWidth(v), String(v));
});

Deno.test("bitsLabel() and formatBits() give the stored and the printed label", () => {
  assert.equal(bitsLabel({ w: 4, a: 8 }), "w4a8");
  assert.equal(bitsLabel(parseBits("W6A6")), "w6a6");
  assert.equal(formatBits("w4a8"), "W4A8");
  assert.equal(formatBits(FLOAT_BITS), "FP32");
});

Deno.test("compareBits() orders fp32 first, then more weight bits, then more activation bits", () => {
  assert.deepEqual(["w4a4", "w2a2", "fp32", "w6a6", "w4a8"].sort(compareBits), [
    "fp32",
    "w6a6",
    "w4a8",
    "w4a4",
    "w2a2",
  ]);
});
