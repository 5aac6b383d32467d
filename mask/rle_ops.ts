/**
 * Area, bounding box and union/intersection of RLE masks (maskApi.c:65-92, spec §B3.6).
 *
 * `rleToBbox` follows the current PyPI pycocotools (PP, since the 2021 fix "fix bug in rleToBbox"):
 * zero-length foreground runs are skipped, a run that spans columns sets the full height, and the box has
 * inclusive pixel extent (w = x_max − x_min + 1). Example: counts [2, 0, 3, 2, 9] on 4×4 → [1, 1, 1, 2].
 *
 * @module
 */
import type { Rle } from "./rle.ts";

/** Number of foreground pixels: the sum of the counts at odd indices (uint32 as in C). */
export function rleArea(rle: Rle): number {
  let a = 0;
  const c = rle.counts;
  for (let i = 1; i < c.length; i += 2) a += c[i]!;
  return a >>> 0;
}

/** Tight box [x, y, w, h] of the foreground (inclusive extent); [0, 0, 0, 0] when there are no runs. */
export function rleToBbox(rle: Rle): [number, number, number, number] {
  const [h, w] = rle.size;
  const cnts = rle.counts;
  const m = Math.floor(cnts.length / 2) * 2;
  if (m === 0) return [0, 0, 0, 0];
  let xs = w, ys = h, xe = 0, ye = 0, cc = 0;
  for (let j = 0; j < m; j++) {
    const start = cc;
    cc = (cc + cnts[j]!) >>> 0;
    if (j % 2 === 0 || cnts[j] === 0) continue;
    const yStart = start % h, xStart = (start - yStart) / h;
    const yEnd = (cc - 1) % h, xEnd = (cc - 1 - yEnd) / h;
    xs = Math.min(xs, xStart);
    xe = Math.max(xe, xEnd);
    if (xStart < xEnd) {
      ys = 0;
      ye = h - 1;
    } else {
      ys = Math.min(ys, yStart);
      ye = Math.max(ye, yEnd);
    }
  }
  // uint arithmetic in C: an RLE with runs but no foreground wraps around, as pycocotools does.
  return [xs, ys, (xe - xs + 1) >>> 0, (ye - ys + 1) >>> 0];
}

/**
 * Union (default) or intersection of RLEs. All must share one size; otherwise the result is the empty
 * 0×0 RLE, as in pycocotools. An empty list gives a 0×0 RLE; one RLE is returned as a copy.
 */
export function rleMerge(rles: Rle[], intersect = false): Rle {
  const first = rles[0];
  if (first === undefined) return { size: [0, 0], counts: new Uint32Array(0) };
  let [h, w] = first.size;
  if (rles.length === 1) return { size: [h, w], counts: first.counts.slice() };
  let cur: Uint32Array = first.counts;
  for (let i = 1; i < rles.length; i++) {
    const B = rles[i]!;
    if (B.size[0] !== h || B.size[1] !== w) {
      h = w = 0;
      cur = new Uint32Array(0);
      break;
    }
    cur = mergeTwo(cur, B.counts, intersect);
  }
  return { size: [h, w], counts: cur };
}

function mergeTwo(A: Uint32Array, B: Uint32Array, intersect: boolean): Uint32Array {
  const out = new Uint32Array(A.length + B.length + 1);
  let m = 0;
  let ca = A[0] ?? 0, cb = B[0] ?? 0;
  let v = false, va = false, vb = false;
  let a = 1, b = 1, cc = 0, ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    cc += c;
    ct = 0;
    ca -= c;
    if (!ca && a < A.length) {
      ca = A[a++]!;
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < B.length) {
      cb = B[b++]!;
      vb = !vb;
    }
    ct += cb;
    const vp: boolean = v;
    v = intersect ? va && vb : va || vb;
    if (v !== vp || ct === 0) {
      out[m++] = cc;
      cc = 0;
    }
  }
  return out.slice(0, m);
}
