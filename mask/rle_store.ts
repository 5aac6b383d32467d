/**
 * Many RLE masks in one struct of typed arrays, without one object (and one small typed array) per mask:
 * this is how `loadResults` keeps hundreds of thousands of result masks.
 *
 * Layout: mask i has size [h[i], w[i]], `len[i]` counts (column-major runs starting with zeros, spec
 * §B3.1), `area[i]` = `rleArea` (uint32 sum of the odd counts) and `box[4i .. 4i + 4)` = `rleToBbox`
 * ([x, y, w, h], inclusive pixel extent, PP version), both computed with the exact arithmetic of
 * `rle_ops.ts` when the mask is appended. Its counts are either
 * - `str[i]`, the compressed COCO string (spec §B3.2) as given, decoded on demand by {@link RleStore.decode}
 *   into a caller's scratch buffer: the string is already in memory (it came from `JSON.parse`) and takes
 *   about 1 byte per count where decoded counts take 4 (for 500,000 SAM-like masks: ~80 MB of strings
 *   against ~320 MB of counts); decoding is a few ns per character; or
 * - `counts[start[i] .. start[i] + len[i])` of one shared growable buffer (polygons, uncompressed RLE).
 *
 * @module
 */

/** A growable collection of RLE masks stored as one struct of typed arrays. */
export class RleStore {
  /** Number of masks. */
  n = 0;
  /** Per mask: the compressed string holding its counts, or undefined when they are in `counts`. */
  str: (string | undefined)[];
  /** Counts of the masks not given as strings, back to back; only `[0, used)` is meaningful. */
  counts: Uint32Array;
  /** Number of entries of `counts` in use. */
  used = 0;
  /** Per mask: offset of its first count in `counts` (masks without a string). */
  start: Float64Array;
  /** Per mask: number of counts. */
  len: Uint32Array;
  /** Per mask: height and width (`size`). */
  h: Float64Array;
  w: Float64Array;
  /** Per mask: foreground area (uint32, `rleArea`). */
  area: Float64Array;
  /** Per mask: `rleToBbox` [x, y, w, h] at 4i. */
  box: Float64Array;
  private scratch = new Uint32Array(256);

  /** @param maxMasks the number of masks it will hold (fixed) */
  constructor(maxMasks: number) {
    this.str = new Array<string | undefined>(maxMasks).fill(undefined);
    this.counts = new Uint32Array(256);
    this.start = new Float64Array(maxMasks);
    this.len = new Uint32Array(maxMasks);
    this.h = new Float64Array(maxMasks);
    this.w = new Float64Array(maxMasks);
    this.area = new Float64Array(maxMasks);
    this.box = new Float64Array(4 * maxMasks);
  }

  private finish(c: Uint32Array, off: number, k: number, h: number, w: number): number {
    const i = this.n++;
    this.len[i] = k;
    this.h[i] = h;
    this.w[i] = w;
    this.area[i] = runsArea(c, off, k);
    runsToBbox(c, off, k, h, w, this.box, 4 * i);
    return i;
  }

  /** Appends a copy of `counts` as a mask of size [h, w]; returns its index. */
  appendCounts(counts: Uint32Array, h: number, w: number): number {
    const need = this.used + counts.length;
    if (need > this.counts.length) {
      const next = new Uint32Array(Math.max(need, 2 * this.counts.length));
      next.set(this.counts.subarray(0, this.used));
      this.counts = next;
    }
    this.counts.set(counts, this.used);
    const i = this.finish(this.counts, this.used, counts.length, h, w);
    this.str[i] = undefined;
    this.start[i] = this.used;
    this.used = need;
    return i;
  }

  /**
   * Appends the compressed string `s` as a mask of size [h, w] (decoded once to validate it and to
   * measure its area and box).
   * @returns its index, or −1 (nothing appended) when `s` is not a valid string (the caller reports it)
   */
  appendString(s: string, h: number, w: number): number {
    if (this.scratch.length < s.length) {
      this.scratch = new Uint32Array(Math.max(s.length, 2 * this.scratch.length));
    }
    const k = decodeRleString(s, this.scratch);
    if (k < 0) return -1;
    const i = this.finish(this.scratch, 0, k, h, w);
    this.str[i] = s;
    return i;
  }

  /** Writes the `len[i]` counts of mask i to `dst[0 .. len[i])` (`dst.length` must be ≥ `len[i]`). */
  decode(i: number, dst: Uint32Array): void {
    const s = this.str[i];
    if (s !== undefined) decodeRleString(s, dst);
    else dst.set(this.counts.subarray(this.start[i]!, this.start[i]! + this.len[i]!));
  }

  /** Forgets every mask (keeps the buffers), for use as a scratch decoder. */
  clear(): void {
    this.n = 0;
    this.used = 0;
  }
}

/**
 * Decodes a compressed COCO string into `dst[0 ..)` with `rleFromString`'s arithmetic (spec §B3.2); `dst`
 * needs `s.length` entries at most (a count takes at least one character).
 * @returns the number of counts, or −1 when a character is outside '0'…'o' or `s` ends inside a count
 */
export function decodeRleString(s: string, dst: Uint32Array): number {
  const n = s.length;
  let k = 0;
  let p = 0;
  while (p < n) {
    // Σ (c & 0x1f)·32^g with sign extension, in int32 ops while it fits (6 groups = 30 bits) and exact
    // doubles beyond; identical to rleFromString's doubles either way.
    let x = 0, sh = 0, c = 0;
    do {
      if (p >= n) return -1;
      c = s.charCodeAt(p++) - 48;
      if (c < 0 || c > 63) return -1;
      if (sh < 30) x |= (c & 0x1f) << sh;
      else x += (c & 0x1f) * 2 ** sh;
      sh += 5;
    } while (c & 0x20);
    if (c & 0x10) x = sh <= 30 ? x | (-1 << sh) : x - 2 ** sh; // sign extension: x |= −1 << 5k
    if (k > 2) x += dst[k - 2]!;
    dst[k++] = x >>> 0; // uint32 as in C
  }
  return k;
}

/** `rleArea` of `c[off .. off + len)`: the uint32 sum of the counts at odd positions. */
export function runsArea(c: Uint32Array, off: number, len: number): number {
  let a = 0;
  for (let i = off + 1, end = off + len; i < end; i += 2) a += c[i]!;
  return a >>> 0;
}

/**
 * `rleToBbox` (PP version, see rle_ops.ts) of the runs `c[off .. off + len)` of an h×w mask, written to
 * `out[o .. o + 4)` as [x, y, w, h].
 */
export function runsToBbox(
  c: Uint32Array,
  off: number,
  len: number,
  h: number,
  w: number,
  out: Float64Array,
  o: number,
): void {
  const m = Math.floor(len / 2) * 2;
  if (m === 0) {
    out[o] =
      out[o + 1] =
      out[o + 2] =
      out[o + 3] =
        0;
    return;
  }
  // Integer division instead of `%` (a libm fmod call on doubles) when h is a positive integer: for
  // 0 ≤ i < 2^32, floor(i / h) is exact, so x = floor(i / h), y = i − x·h equal rle_ops' i % h arithmetic.
  const intH = h > 0 && Math.floor(h) === h;
  let xs = w, ys = h, xe = 0, ye = 0, cc = 0;
  for (let j = 0; j < m; j++) {
    const start = cc;
    const cj = c[off + j]!;
    cc = (cc + cj) >>> 0;
    if ((j & 1) === 0 || cj === 0) continue;
    const end = cc - 1;
    let xStart, yStart, xEnd, yEnd;
    if (intH && end >= 0) {
      xStart = Math.floor(start / h);
      yStart = start - xStart * h;
      xEnd = Math.floor(end / h);
      yEnd = end - xEnd * h;
    } else {
      yStart = start % h;
      xStart = (start - yStart) / h;
      yEnd = end % h;
      xEnd = (end - yEnd) / h;
    }
    // Math.min/max as in rle_ops.ts (identical NaN/−0 behaviour for degenerate sizes).
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
  out[o] = xs;
  out[o + 1] = ys;
  out[o + 2] = (xe - xs + 1) >>> 0;
  out[o + 3] = (ye - ys + 1) >>> 0;
}

/**
 * IoU of two run lists (maskApi.c `rleIou` inner walk, as `rleIou` in iou.ts): |A ∩ B| / |A ∪ B|, or
 * |A ∩ B| / `areaA` when `crowd` (B is a crowd region); 0 when the intersection is empty.
 */
export function runsIou(
  ac: Uint32Array,
  aOff: number,
  aLen: number,
  bc: Uint32Array,
  bOff: number,
  bLen: number,
  crowd: boolean,
  areaA: number,
): number {
  const aEnd = aOff + aLen, bEnd = bOff + bLen;
  let ca = aLen > 0 ? ac[aOff]! : 0, cb = bLen > 0 ? bc[bOff]! : 0;
  let va = false, vb = false;
  let a = aOff + 1, b = bOff + 1, i = 0, u = 0, ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < aEnd) {
      ca = ac[a++]!;
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < bEnd) {
      cb = bc[b++]!;
      vb = !vb;
    }
    ct += cb;
  }
  if (i === 0) u = 1;
  else if (crowd) u = areaA;
  return i / u;
}
