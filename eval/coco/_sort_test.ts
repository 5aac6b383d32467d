import { deepStrictEqual } from "node:assert";
import { createPrng } from "../../util/prng.ts";
import { countingSortIndex, sortIndexByScoreDesc } from "./_sort.ts";

Deno.test("sortIndexByScoreDesc() equals a stable descending Array sort, ties in input order", () => {
  const prng = createPrng(9);
  for (const n of [0, 1, 2, 31, 32, 33, 100, 1000, 4097]) {
    const key = Float64Array.from({ length: n }, () => (prng.next() < 0.1 ? -0 : prng.int(7) / 7));
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { // Fisher-Yates
      const j = prng.int(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const idx = Uint32Array.from(perm);
    sortIndexByScoreDesc(idx, n, key, new Uint32Array(n));
    deepStrictEqual([...idx], perm.slice().sort((a, b) => key[b]! - key[a]!));
  }
});

Deno.test("countingSortIndex() is stable", () => {
  const key = Int32Array.from([2, 0, 1, 0, 2, 1]);
  const out = new Uint32Array(6);
  countingSortIndex(Uint32Array.from([5, 4, 3, 2, 1, 0]), 6, key, 3, out, new Uint32Array(4));
  deepStrictEqual([...out], [3, 1, 5, 2, 4, 0]);
});
