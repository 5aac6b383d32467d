import assert from "node:assert/strict";
import { postprocessSmallRegions } from "./postprocess_small_regions.ts";

Deno.test("postprocessSmallRegions() prefers unchanged masks in NMS and returns the changed kept masks", () => {
  const h = 6, w = 6;
  const a = new Uint8Array(h * w); // 4×4 square with a 1-px hole → changed
  for (let y = 1; y < 5; y++) for (let x = 1; x < 5; x++) a[y * w + x] = 1;
  a[2 * w + 2] = 0;
  const b = new Uint8Array(h * w); // 4×4 square, the same box → unchanged, wins the NMS
  for (let y = 1; y < 5; y++) for (let x = 1; x < 5; x++) b[y * w + x] = 1;
  const c = new Uint8Array(h * w); // a separate pixel island of 1 px next to a 2×2 block
  c[0] = 1;
  for (const p of [4 * w + 4, 4 * w + 5, 5 * w + 4, 5 * w + 5]) c[p] = 1;
  const masks = [a, b, c];
  const r = postprocessSmallRegions(3, (i) => masks[i]!, h, w, 2, 0.7);
  assert.deepEqual(Array.from(r.changed), [1, 0, 1]);
  assert.deepEqual(Array.from(r.keep), [1, 2]);
  assert.deepEqual([...r.changedMasks.keys()], [2]);
  assert.deepEqual(Array.from(r.boxes.subarray(8, 12)), [4, 4, 5, 5]);
});
