import { deepStrictEqual, strictEqual, throws } from "node:assert";
import { SamqError } from "../util/errors.ts";
import {
  annToRle,
  bboxIou,
  decodeRleColumnMajor,
  decodeRleRowMajor,
  encodeMaskColumnMajor,
  encodeMaskRowMajor,
  rleArea,
  rleFromBbox,
  rleFromPolygon,
  rleFromPolygons,
  rleFromString,
  rleIou,
  rleMerge,
  rleToBbox,
  rleToString,
} from "./mod.ts";
import { createPrng } from "../util/prng.ts";

const rle = (counts: number[], h: number, w: number) => ({
  size: [h, w] as [number, number],
  counts: Uint32Array.from(counts),
});

Deno.test('encodeMaskRowMajor() gives the spec\'s 4×3 example (counts [5, 2, 5], "525")', () => {
  // Row-major 4×3 with ones at rows 1-2 of column 1.
  const m = new Uint8Array(12);
  m[1 * 3 + 1] = 1;
  m[2 * 3 + 1] = 1;
  const r = encodeMaskRowMajor(m, 4, 3);
  deepStrictEqual([...r.counts], [5, 2, 5]);
  strictEqual(rleToString(r), "525");
  deepStrictEqual(decodeRleRowMajor(r), m);
  strictEqual(rleToString(encodeMaskColumnMajor(new Uint8Array([1, 1, 1, 1]), 2, 2)), "04");
});

Deno.test("rleToString() and rleFromString() round-trip the §D vectors", () => {
  const r = rle([0, 100, 5, 1000, 2, 70000], 1, 71107);
  strictEqual(rleToString(r), "0T35Tl0MX\\S2");
  deepStrictEqual([...rleFromString("0T35Tl0MX\\S2", 1, 71107).counts], [0, 100, 5, 1000, 2, 70000]);
  deepStrictEqual([...rleFromString("525", 4, 3).counts], [5, 2, 5]);
});

Deno.test("rle codecs round-trip random masks in both layouts", () => {
  const prng = createPrng(7);
  for (let n = 0; n < 200; n++) {
    const h = 1 + prng.int(20), w = 1 + prng.int(20);
    const col = new Uint8Array(h * w);
    const p = prng.next();
    for (let i = 0; i < col.length; i++) col[i] = prng.next() < p ? 1 : 0;
    const row = new Uint8Array(h * w);
    for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) row[y * w + x] = col[x * h + y]!;
    const a = encodeMaskColumnMajor(col, h, w);
    deepStrictEqual(encodeMaskRowMajor(row, h, w), a);
    deepStrictEqual(decodeRleColumnMajor(a), col);
    deepStrictEqual(decodeRleRowMajor(a), row);
    deepStrictEqual(rleFromString(rleToString(a), h, w), a);
    strictEqual(rleArea(a), col.reduce((s, v) => s + v, 0));
  }
});

Deno.test("decodeRleColumnMajor() rejects counts that exceed the mask", () => {
  throws(
    () => decodeRleColumnMajor(rle([10, 7], 4, 4)),
    (e) => e instanceof SamqError && e.field === "counts",
  );
});

Deno.test("rleFromString() rejects bad characters and truncated strings", () => {
  throws(() => rleFromString("5~", 4, 3), (e) => e instanceof SamqError && e.code === "invalid_argument");
  throws(() => rleFromString("5T", 4, 3), (e) => e instanceof SamqError && e.code === "invalid_argument");
});

Deno.test("rleMerge() unions and intersects as in §D", () => {
  const full = rle([0, 16], 4, 4), empty = rle([16], 4, 4);
  strictEqual(rleToString(rleMerge([full, empty])), "0`0");
  strictEqual(rleToString(rleMerge([full, empty], true)), "`0");
  deepStrictEqual(rleMerge([full, rle([9], 3, 3)]).size, [0, 0]);
});

Deno.test("rleFromPolygon() rasterises the §D polygons exactly", () => {
  const sq = rleFromPolygon([1, 1, 4, 1, 4, 4, 1, 4], 6, 6);
  strictEqual(rleToString(sq), "733000;");
  strictEqual(rleArea(sq), 9);
  deepStrictEqual(rleToBbox(sq), [1, 1, 3, 3]);
  strictEqual(rleToString(rleFromPolygon([0, 0, 6, 0, 6, 6, 0, 6], 6, 6)), "0T1");
  const tri = rleFromPolygon([0, 0, 3, 0, 0, 3], 5, 5);
  strictEqual(rleToString(tri), "023O`0");
  strictEqual(rleArea(tri), 3);
  const s4 = rleFromPolygon([0.4, 0.4, 2.6, 0.4, 2.6, 2.6, 0.4, 2.6], 4, 4);
  strictEqual(rleToString(s4), "0310004");
  strictEqual(rleArea(s4), 9);
});

Deno.test("rleFromPolygon() sets pixels whose centres are inside a concave polygon", () => {
  // U shape on 6×6: outer 0..6 × 0..6 minus the notch x 2..4, y 0..4 (pixel centres x+0.5).
  const u = rleFromPolygon([0, 0, 2, 0, 2, 4, 4, 4, 4, 0, 6, 0, 6, 6, 0, 6], 6, 6);
  const m = decodeRleRowMajor(u);
  let expected = 0;
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 6; x++) {
      const inNotch = x >= 2 && x <= 3 && y <= 3;
      strictEqual(m[y * 6 + x], inNotch ? 0 : 1, `pixel ${x},${y}`);
      if (!inNotch) expected++;
    }
  }
  strictEqual(rleArea(u), expected);
});

Deno.test("rleFromPolygons() unions parts and clips out-of-image polygons", () => {
  const two = rleFromPolygons([[0, 0, 2, 0, 2, 2, 0, 2], [4, 4, 6, 4, 6, 6, 4, 6]], 6, 6);
  strictEqual(rleArea(two), 8);
  deepStrictEqual(rleToBbox(two), [0, 0, 6, 6]);
  // A square from -3 to 3 is clipped to the 3×3 corner; fully outside gives nothing.
  const clipped = rleFromPolygon([-3, -3, 3, -3, 3, 3, -3, 3], 6, 6);
  strictEqual(rleArea(clipped), 9);
  deepStrictEqual(rleToBbox(clipped), [0, 0, 3, 3]);
  strictEqual(rleArea(rleFromPolygon([10, 10, 20, 10, 20, 20, 10, 20], 6, 6)), 0);
  // -0.2 truncates toward zero: trunc(-1 + 0.5) = 0, the same as a vertex at 0.
  deepStrictEqual(
    rleFromPolygon([-0.2, -0.2, 3, -0.2, 3, 3, -0.2, 3], 6, 6),
    rleFromPolygon([0, 0, 3, 0, 3, 3, 0, 3], 6, 6),
  );
  // A duplicated vertex (zero-length edge) changes nothing.
  deepStrictEqual(
    rleFromPolygon([1, 1, 4, 1, 4, 1, 4, 4, 1, 4], 6, 6),
    rleFromPolygon([1, 1, 4, 1, 4, 4, 1, 4], 6, 6),
  );
});

Deno.test("rleFromBbox() and rleToBbox() follow §B3.5-B3.6", () => {
  const b = rleFromBbox([1, 1, 3, 2], 6, 6);
  strictEqual(rleToString(b), "724000;");
  deepStrictEqual(rleToBbox(b), [1, 1, 3, 2]);
  deepStrictEqual(rleToBbox(rle([2, 0, 3, 2, 9], 4, 4)), [1, 1, 1, 2]);
  deepStrictEqual(rleToBbox(rle([16], 4, 4)), [0, 0, 0, 0]);
  // A run spanning two columns sets the full height.
  deepStrictEqual(rleToBbox(rle([3, 2, 11], 4, 4)), [0, 0, 2, 4]);
});

Deno.test("bboxIou() and rleIou() apply crowd semantics and size checks", () => {
  deepStrictEqual([...bboxIou([[0, 0, 2, 2]], [[0, 0, 4, 4]], [false]) as Float64Array], [0.25]);
  deepStrictEqual([...bboxIou([[0, 0, 2, 2]], [[0, 0, 4, 4]], [true]) as Float64Array], [1]);
  deepStrictEqual(bboxIou([], [[0, 0, 4, 4]], [false]), []);
  deepStrictEqual(bboxIou([[0, 0, 0, 0]], [[0, 0, 0, 0]], [true]), new Float64Array([0]));
  const a = rleFromBbox([0, 0, 2, 2], 6, 6), g = rleFromBbox([0, 0, 4, 4], 6, 6);
  deepStrictEqual([...rleIou([a], [g, g], [false, true]) as Float64Array], [0.25, 1]);
  deepStrictEqual([...rleIou([a], [rleFromBbox([0, 0, 4, 4], 7, 6)], [false]) as Float64Array], [-1]);
  const empty = rle([36], 6, 6), full = rle([0, 36], 6, 6);
  deepStrictEqual([...rleIou([empty, full], [empty], [false]) as Float64Array], [0, 0]);
  deepStrictEqual(rleIou([], [full], []), []);
  // Layout: row-major D×G.
  const iou = rleIou([a, g], [g, a], [false, false]) as Float64Array;
  deepStrictEqual([...iou], [0.25, 1, 1, 0.25]);
});

Deno.test("annToRle() handles polygons, uncompressed and compressed RLE", () => {
  strictEqual(rleToString(annToRle([[1, 1, 4, 1, 4, 4, 1, 4]], 6, 6)), "733000;");
  deepStrictEqual([...annToRle({ size: [4, 4], counts: [2, 0, 3, 2, 9] }, 9, 9).counts], [2, 0, 3, 2, 9]);
  deepStrictEqual(annToRle({ size: [4, 3], counts: "525" }, 4, 3), rle([5, 2, 5], 4, 3));
  throws(() => annToRle([[1, 1, 4, 4]], 6, 6), (e) => e instanceof SamqError && e.field === "segmentation");
  throws(() => annToRle([], 6, 6), (e) => e instanceof SamqError && e.code === "invalid_argument");
  throws(() => annToRle({ size: [4], counts: "5" }, 6, 6), (e) => e instanceof SamqError);
});
