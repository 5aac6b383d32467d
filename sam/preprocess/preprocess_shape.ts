/**
 * Target size of SAM's longest-side resize (spec §A1.1 item 2, SA `ResizeLongestSide.get_preprocess_shape`).
 *
 * Rule: scale = longSide / max(h, w) in float64; newH = trunc(h·scale + 0.5), newW = trunc(w·scale + 0.5).
 * `trunc(x + 0.5)` is Python's `int(x + 0.5)` (round half up for non-negative x). There is deliberately no
 * guard for degenerate aspect ratios: 1×3000 gives 0×1024, as in the reference.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Height and width in pixels. */
export interface SizeHw {
  /** Height (rows). */
  h: number;
  /** Width (columns). */
  w: number;
}

/**
 * Computes the (h, w) an image of size (h, w) is resized to so that its longest side is `longSide`.
 *
 * @param h Original height in pixels (positive integer).
 * @param w Original width in pixels (positive integer).
 * @param longSide Target length of the longest side. @default 1024
 * @returns The resized size `{h, w}` (integers; the short side may be 0 for extreme aspect ratios).
 * @throws {SamqError} `invalid_argument` when a size is not a positive integer.
 *
 * @example Usage
 * ```ts
 * import { preprocessShape } from "./preprocess_shape.ts";
 * preprocessShape(333, 500); // { h: 682, w: 1024 }
 * ```
 */
export function preprocessShape(h: number, w: number, longSide = 1024): SizeHw {
  for (const [name, v] of [["h", h], ["w", w], ["longSide", longSide]] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new SamqError(
        "invalid_argument",
        `Cannot compute preprocess shape: "${name}" must be a positive integer, got ${v}`,
        { field: name },
      );
    }
  }
  const scale = longSide / Math.max(h, w);
  return { h: Math.trunc(h * scale + 0.5), w: Math.trunc(w * scale + 0.5) };
}
