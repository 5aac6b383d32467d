import assert from "node:assert/strict";
import { maskToBoxXyxyInclusive } from "./mask_to_box.ts";
import { SamqError } from "../util/errors.ts";

Deno.test("maskToBoxXyxyInclusive() matches the spec §D 5x6 vector", () => {
  const m = new Uint8Array(30);
  for (const y of [1, 2]) for (const x of [2, 3, 4]) m[y * 6 + x] = 1;
  assert.deepEqual(maskToBoxXyxyInclusive(m, 5, 6), [2, 1, 4, 2]);
});

Deno.test("maskToBoxXyxyInclusive() gives zeros for an empty mask and handles one pixel", () => {
  assert.deepEqual(maskToBoxXyxyInclusive(new Uint8Array(12), 3, 4), [0, 0, 0, 0]);
  const m = new Uint8Array(12);
  m[11] = 255;
  assert.deepEqual(maskToBoxXyxyInclusive(m, 3, 4), [3, 2, 3, 2]);
  assert.throws(() => maskToBoxXyxyInclusive(m, 3, 3), SamqError);
});
