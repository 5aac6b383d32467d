import assert from "node:assert/strict";
import { removeSmallRegions } from "./remove_small_regions.ts";

const parse = (rows: string[]) => Uint8Array.from(rows.join("").split(""), (c) => (c === "#" ? 1 : 0));
const show = (m: Uint8Array, w: number) =>
  Array.from(
    { length: m.length / w },
    (_, y) => Array.from(m.subarray(y * w, y * w + w), (v) => v ? "#" : ".").join(""),
  );

Deno.test("removeSmallRegions() fills holes smaller than the threshold, including border background pieces", () => {
  const m = parse([
    "######.",
    "#.##..#",
    "######.",
    "#....##",
    "#....##",
  ]);
  // Background components (8-connected): {(1,1)} 1 px; {(6,0),(4,1),(5,1),(6,2)} 4 px, touching the border;
  // the bottom block 8 px.
  const at4 = removeSmallRegions(m, 5, 7, 4, "holes");
  assert.deepEqual(show(at4.mask, 7).slice(0, 3), ["######.", "####..#", "######."]);
  const r = removeSmallRegions(m, 5, 7, 5, "holes");
  assert.equal(r.changed, true);
  assert.deepEqual(show(r.mask, 7), [
    "#######",
    "#######",
    "#######",
    "#....##",
    "#....##",
  ]);
});

Deno.test("removeSmallRegions() removes small islands with 8-connectivity", () => {
  const m = parse([
    "##...",
    "##..#",
    "...#.",
    ".....",
    "#....",
  ]);
  // Components: the 2×2 block (4 px), the diagonal pair (2 px, 8-connected), the corner pixel (1 px).
  const r = removeSmallRegions(m, 5, 5, 2, "islands");
  assert.equal(r.changed, true);
  assert.deepEqual(show(r.mask, 5), ["##...", "##..#", "...#.", ".....", "....."]);
});

Deno.test("removeSmallRegions() keeps the first largest island when every island is small", () => {
  const m = parse(["#.#.##", "......", "##...."]);
  const r = removeSmallRegions(m, 3, 6, 10, "islands");
  assert.equal(r.changed, true);
  assert.deepEqual(show(r.mask, 6), ["....##", "......", "......"]);
});

Deno.test("removeSmallRegions() reports unchanged when nothing is small", () => {
  const m = parse(["###", "###"]);
  const r = removeSmallRegions(m, 2, 3, 3, "islands");
  assert.equal(r.changed, false);
  assert.equal(r.mask, m);
  assert.equal(removeSmallRegions(m, 2, 3, 3, "holes").changed, false);
});
