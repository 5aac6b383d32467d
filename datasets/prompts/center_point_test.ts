import assert from "node:assert/strict";
import { centerPoint } from "./center_point.ts";

const parse = (rows: string[]) => Uint8Array.from(rows.join("").split(""), (c) => (c === "#" ? 1 : 0));

Deno.test("centerPoint() returns the pixel farthest from the boundary of a square", () => {
  const m = parse([
    ".......",
    ".#####.",
    ".#####.",
    ".#####.",
    ".#####.",
    ".#####.",
    ".......",
  ]);
  assert.deepEqual(centerPoint(m, 7, 7), { x: 3, y: 3, distance: 3 });
});

Deno.test("centerPoint() treats the image edge as boundary (1-pixel zero border)", () => {
  // A full 1×5 strip: every pixel is at distance 1 from the padded border → the first pixel wins.
  assert.deepEqual(centerPoint(parse(["#####"]), 1, 5), { x: 0, y: 0, distance: 1 });
  // A full 3×5 image: the middle row is at distance 2 from the border; first maximum is (1, 1).
  assert.deepEqual(centerPoint(parse(["#####", "#####", "#####"]), 3, 5), { x: 1, y: 1, distance: 2 });
});

Deno.test("centerPoint() picks the first maximum in row-major order on ties", () => {
  // Two 3×3 blocks with equal maxima; the block whose centre comes first in row-major order wins,
  // even though the other block starts further left.
  const m = parse([
    "......###.",
    "......###.",
    ".###..###.",
    ".###......",
    ".###......",
  ]);
  // Right block centre (7, 1) has distance 2 (to the padded top border: rows −1 → 2 px) … check both.
  const p = centerPoint(m, 5, 10)!;
  assert.deepEqual(p, { x: 7, y: 1, distance: 2 });
  // 2×4 block: maxima at (1..2, 0..1) all distance 1 → first is its top-left pixel.
  assert.deepEqual(centerPoint(parse(["....", ".##.", ".##.", "...."]), 4, 4), { x: 1, y: 1, distance: 1 });
});

Deno.test("centerPoint() compares exact Euclidean distances, not city-block ones", () => {
  // An L shape: the corner pixel region is thicker along the diagonal.
  const m = parse([
    "..........",
    ".#####....",
    ".#####....",
    ".#####....",
    ".#########",
    ".#########",
    "..........",
  ]);
  const p = centerPoint(m, 7, 10)!;
  // (3, 3): nearest zero is (0, 3) or (3, 0) at distance 3 → the unique maximum.
  assert.deepEqual(p, { x: 3, y: 3, distance: 3 });
});

Deno.test("centerPoint() returns null for an empty mask and throws RangeError on bad dims", () => {
  assert.equal(centerPoint(new Uint8Array(6), 2, 3), null);
  assert.throws(() => centerPoint(new Uint8Array(5), 2, 3), RangeError);
});
