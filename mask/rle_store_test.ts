import { deepStrictEqual, strictEqual } from "node:assert";
import { createPrng } from "../util/prng.ts";
import {
  encodeMaskColumnMajor,
  type Rle,
  rleArea,
  rleFromString,
  rleIou,
  RleStore,
  rleToBbox,
  rleToString,
  runsIou,
  runsToBbox,
} from "./mod.ts";

Deno.test("RleStore keeps strings and counts that decode like rleFromString(), with rle_ops area and box", () => {
  const prng = createPrng(3);
  const store = new RleStore(400);
  const ref: Rle[] = [];
  for (let n = 0; n < 400; n++) {
    const h = 1 + prng.int(30), w = 1 + prng.int(30);
    const m = new Uint8Array(h * w).map(() => (prng.next() < 0.4 ? 1 : 0));
    const rle = encodeMaskColumnMajor(m, h, w);
    // Half as compressed strings, half as counts (the shared buffer starts small: exercises growth).
    const i = n % 2 ? store.appendString(rleToString(rle), h, w) : store.appendCounts(rle.counts, h, w);
    strictEqual(i, n);
    ref.push(rleFromString(rleToString(rle), h, w));
  }
  const dst = new Uint32Array(1000);
  for (let n = 0; n < 400; n++) {
    const r = ref[n]!;
    strictEqual(store.str[n] === undefined, n % 2 === 0);
    strictEqual(store.len[n], r.counts.length);
    store.decode(n, dst);
    deepStrictEqual(dst.slice(0, store.len[n]!), r.counts);
    strictEqual(store.area[n], rleArea(r));
    deepStrictEqual([...store.box.subarray(4 * n, 4 * n + 4)], rleToBbox(r));
  }
});

Deno.test("RleStore.appendString() handles long and negative deltas and rejects bad strings", () => {
  const store = new RleStore(4);
  // The spec's vector: counts [0, 100, 5, 1000, 2, 70000] (deltas of both signs, 4-group numbers).
  const dst = new Uint32Array(16);
  strictEqual(store.appendString("0T35Tl0MX\\S2", 1, 71107), 0);
  store.decode(0, dst);
  deepStrictEqual([...dst.subarray(0, store.len[0]!)], [0, 100, 5, 1000, 2, 70000]);
  // 7-group counts (> 2^30) take the exact double path.
  const big = {
    size: [1, 2 ** 32 - 1] as [number, number],
    counts: Uint32Array.from([2 ** 31 + 5, 2 ** 31 - 7]),
  };
  const s = rleToString(big);
  strictEqual(store.appendString(s, 1, 2 ** 32 - 1), 1);
  store.decode(1, dst);
  deepStrictEqual(dst.slice(0, store.len[1]!), big.counts);
  strictEqual(store.appendString("0T~", 1, 1), -1); // '~' is outside '0'…'o'
  strictEqual(store.appendString("0T3l", 1, 1), -1); // ends inside a count
  strictEqual(store.n, 2);
});

Deno.test("runsIou() equals rleIou() on random masks, crowd or not", () => {
  const prng = createPrng(11);
  for (let n = 0; n < 300; n++) {
    const h = 1 + prng.int(12), w = 1 + prng.int(12);
    const mk = () =>
      encodeMaskColumnMajor(new Uint8Array(h * w).map(() => (prng.next() < 0.5 ? 1 : 0)), h, w);
    const a = mk(), b = mk();
    const crowd = prng.next() < 0.5;
    const got = runsIou(a.counts, 0, a.counts.length, b.counts, 0, b.counts.length, crowd, rleArea(a));
    const box = (rleIou([a], [b], [crowd]) as Float64Array)[0]!;
    // rleIou refines only pairs whose boxes overlap; elsewhere both are 0.
    strictEqual(box, box > 0 ? got : 0);
  }
});

Deno.test("runsToBbox() equals rleToBbox() with zero-length runs, empty sizes and counts near 2^32", () => {
  const prng = createPrng(17);
  const out = new Float64Array(4);
  const cases: Rle[] = [
    { size: [65536, 65536], counts: Uint32Array.from([4294967290, 5, 1]) },
    { size: [65536, 65536], counts: Uint32Array.from([4294967295, 1]) }, // wraps to 0, as in C
    { size: [4, 4], counts: Uint32Array.from([2, 0, 3, 2, 9]) }, // the spec's PP example: [1, 1, 1, 2]
  ];
  for (let n = 0; n < 2000; n++) {
    const h = prng.int(12), w = prng.int(12);
    const r = encodeMaskColumnMajor(new Uint8Array(h * w).map(() => (prng.next() < 0.3 ? 1 : 0)), h, w);
    cases.push(n % 4 ? r : { size: r.size, counts: Uint32Array.from([...r.counts, 0, 2]) });
  }
  for (const r of cases) {
    runsToBbox(r.counts, 0, r.counts.length, r.size[0], r.size[1], out, 0);
    deepStrictEqual([...out], rleToBbox(r));
  }
  deepStrictEqual(rleToBbox(cases[2]!), [1, 1, 1, 2]);
});
