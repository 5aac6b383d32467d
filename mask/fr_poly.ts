/**
 * Polygon and box rasterisation exactly as pycocotools' `rleFrPoly` / `rleFrBbox` (maskApi.c:180-235,
 * spec §B3.4-B3.5).
 *
 * The polygon is upsampled by S = 5, vertices are rounded with the C cast `(int)(S·x + 0.5)` — truncation
 * toward zero, hence `Math.trunc`, not `Math.round`/`Math.floor` —, every edge is walked densely, the
 * x-boundary crossings are downsampled to pixel-column toggle points, and the sorted toggle indices become
 * the RLE. Net effect: a pixel is set iff its centre lies inside the polygon (ties by the rounding above).
 * Example: square (1,1),(4,1),(4,4),(1,4) on 6×6 → pixels x, y ∈ 1..3 (string "733000;").
 *
 * @module
 */
import type { Rle } from "./rle.ts";
import { rleMerge } from "./rle_ops.ts";

const SCALE = 5;

/**
 * Rasterises one polygon given as a flat [x1, y1, x2, y2, ...] list (an odd trailing number is ignored,
 * as `int(len(p)/2)` does) into an RLE of size [h, w].
 */
export function rleFromPolygon(xy: ArrayLike<number>, h: number, w: number): Rle {
  const k = Math.floor(xy.length / 2);
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) {
    x[j] = Math.trunc(SCALE * xy[2 * j]! + 0.5);
    y[j] = Math.trunc(SCALE * xy[2 * j + 1]! + 0.5);
  }
  x[k] = x[0] ?? 0;
  y[k] = y[0] ?? 0;
  // 1. Dense boundary points on the upsampled grid.
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j]! - x[j + 1]!), Math.abs(y[j]! - y[j + 1]!)) + 1;
  const u = new Int32Array(m);
  const v = new Int32Array(m);
  m = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j]!, xe = x[j + 1]!, ys = y[j]!, ye = y[j + 1]!;
    const dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      let t = xs;
      xs = xe;
      xe = t;
      t = ys;
      ys = ye;
      ye = t;
    }
    if (dx >= dy) {
      // A zero-length edge gives 0/0 = NaN in C; slope 0 reproduces pycocotools (spec §B3.4).
      const s = dx === 0 ? 0 : (ye - ys) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = Math.trunc(ys + s * t + 0.5);
        m++;
      }
    } else {
      const s = (xe - xs) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = Math.trunc(xs + s * t + 0.5);
        m++;
      }
    }
  }
  // 2. Column crossings, downsampled to pixel toggle indices (column-major x·h + y).
  const a = new Uint32Array(m + 1); // uint32 toggle indices: a native numeric sort
  let na = 0;
  for (let j = 1; j < m; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j]! < v[j - 1]! ? v[j]! : v[j - 1]!;
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    a[na++] = ((xd | 0) * (h | 0) + yd) >>> 0;
  }
  a[na++] = (h * w) >>> 0;
  // 3. Sorted toggle indices → run lengths, merging zero-length runs (uint32 sums, as in C).
  const sorted = a.subarray(0, na).sort();
  let prev = 0;
  for (let j = 0; j < na; j++) {
    const t = sorted[j]!;
    sorted[j] = t - prev;
    prev = t;
  }
  const b = new Uint32Array(na);
  b[0] = sorted[0]!;
  let nb = 1;
  for (let j = 1; j < na;) {
    if (sorted[j]! > 0) b[nb++] = sorted[j++]!;
    else {
      j++;
      if (j < na) b[nb - 1]! += sorted[j++]!;
    }
  }
  return { size: [h, w], counts: b.slice(0, nb) };
}

/**
 * Rasterises a list of polygons (COCO `segmentation` polygon format) and returns their union, as
 * `annToRLE` does (`frPyObjects` per part, then `merge`).
 */
export function rleFromPolygons(polys: ArrayLike<number>[], h: number, w: number): Rle {
  return rleMerge(polys.map((p) => rleFromPolygon(p, h, w)));
}

/** Rasterises a box [x, y, w, h] as the polygon (x, y), (x, y + h), (x + w, y + h), (x + w, y). */
export function rleFromBbox(bbox: ArrayLike<number>, h: number, w: number): Rle {
  const xs = bbox[0]!, xe = xs + bbox[2]!;
  const ys = bbox[1]!, ye = ys + bbox[3]!;
  return rleFromPolygon([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}
