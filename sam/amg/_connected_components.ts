/**
 * 8-connected component labelling of a binary image (internal; the OpenCV `connectedComponentsWithStats`
 * semantics used by SA's `remove_small_regions`).
 *
 * Label 0 is the background (zero pixels); components get labels 1, 2, … in the raster order (row-major)
 * of their first pixel. OpenCV's block-based scan can number components differently; only the tie rule
 * "first largest component" of the islands step depends on the numbering.
 *
 * @module
 */

/** Labels and per-label pixel counts. */
export interface Components {
  /** h×w row-major labels, 0 = background. */
  labels: Int32Array;
  /** Number of labels including the background. */
  nLabels: number;
  /** Pixel count per label (index 0 = background). */
  sizes: Int32Array;
}

/** Labels the 8-connected components of the non-zero pixels of `img` (h×w row-major). */
export function connectedComponents(img: Uint8Array, h: number, w: number): Components {
  const labels = new Int32Array(h * w);
  const stack = new Int32Array(h * w);
  const sizes: number[] = [0];
  let next = 1;
  for (let start = 0; start < h * w; start++) {
    if (!img[start]) {
      sizes[0]!++;
      continue;
    }
    if (labels[start]) continue;
    const label = next++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const py = (p / w) | 0;
      const px = p - py * w;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= w) continue;
          const q = y * w + x;
          if (img[q] && !labels[q]) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, nLabels: next, sizes: Int32Array.from(sizes) };
}
