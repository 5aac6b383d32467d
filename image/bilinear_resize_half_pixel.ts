/**
 * Bilinear resize with half-pixel centres, no antialias (spec §A1.3): PyTorch
 * `F.interpolate(mode="bilinear", align_corners=False)` on float32 CPU tensors, and ONNX `Resize`
 * (mode=linear, half_pixel) up to float rounding.
 *
 * For output index d along an axis of input length `in` and output length `out`:
 *   scale = f32(in / out); src = f32(f32(scale · (d + 0.5)) − 0.5); src < 0 → 0;
 *   i0 = min(floor(src), in − 1); i1 = i0 + (i0 < in − 1 ? 1 : 0); λ1 = clamp(f32(src − i0), 0, 1); λ0 = f32(1 − λ1).
 * The value is computed like PyTorch's `cpu_upsample_linear` (height outer, width inner, float32 each step):
 *   out = f32(f32(f32(f32(v00·λ0w) + f32(v01·λ1w)) · λ0h) + f32(f32(f32(v10·λ0w) + f32(v11·λ1w)) · λ1h)).
 * Emulating the float32 steps matters only for logits within ~1e-6 of the 0 threshold.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/** Options of {@link bilinearResizeHalfPixel}. */
export interface BilinearResizeOptions {
  /**
   * Compute only output rows `[0, cropH)` (the rest of the nominal `outH` is skipped); the result has cropH rows.
   * @default outH
   */
  cropH?: number;
  /**
   * Compute only output columns `[0, cropW)`; the result has cropW columns.
   * @default outW
   */
  cropW?: number;
}

/** Per-axis taps: i0, i1 (input indices) and float32 weights λ0, λ1, for each output index. */
interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

function axisTaps(inSize: number, outSize: number, count: number): AxisTaps {
  const f = Math.fround;
  const scale = f(inSize / outSize);
  const taps: AxisTaps = {
    i0: new Int32Array(count),
    i1: new Int32Array(count),
    w0: new Float32Array(count),
    w1: new Float32Array(count),
  };
  for (let d = 0; d < count; d++) {
    let src = f(f(scale * (d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lambda = Math.min(Math.max(f(src - i0), 0), 1);
    taps.i0[d] = i0;
    taps.i1[d] = i0 + (i0 < inSize - 1 ? 1 : 0);
    taps.w0[d] = f(1 - lambda);
    taps.w1[d] = lambda;
  }
  return taps;
}

/** Horizontal interpolation of one input row: `dst[x] = f32(f32(v[i0]·λ0) + f32(v[i1]·λ1))`. */
function horizontalRow(
  src: Float32Array,
  rowStart: number,
  tx: AxisTaps,
  cropW: number,
  dst: Float32Array,
): void {
  const { i0, i1, w0, w1 } = tx;
  for (let x = 0; x < cropW; x++) {
    dst[x] = Math.fround(src[rowStart + i0[x]!]! * w0[x]!) + Math.fround(src[rowStart + i1[x]!]! * w1[x]!);
  }
}

/**
 * Resizes a float32 CHW tensor with bilinear interpolation, half-pixel centres and no antialias.
 *
 * @param src Float32Array `[c, inH, inW]`, row-major (CHW).
 * @param c Number of channels (planes).
 * @param inH Input height.
 * @param inW Input width.
 * @param outH Nominal output height (defines the scale).
 * @param outW Nominal output width (defines the scale).
 * @param options Optional top-left crop of the output, see {@link BilinearResizeOptions}.
 * @returns Float32Array `[c, cropH, cropW]` (CHW; cropH = outH and cropW = outW by default).
 * @throws {SamqError} `invalid_argument` when sizes are not positive integers or `src` has the wrong length.
 *
 * @example Usage
 * ```ts
 * import { bilinearResizeHalfPixel } from "./bilinear_resize_half_pixel.ts";
 * bilinearResizeHalfPixel(new Float32Array([0, 1]), 1, 1, 2, 1, 4); // [0, 0.25, 0.75, 1]
 * ```
 */
export function bilinearResizeHalfPixel(
  src: Float32Array,
  c: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  options: BilinearResizeOptions = {},
): Float32Array {
  const { cropH = outH, cropW = outW } = options;
  const dims = { c, inH, inW, outH, outW };
  for (const [name, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new SamqError(
        "invalid_argument",
        `Cannot resize: "${name}" must be a positive integer, got ${v}`,
        {
          field: name,
        },
      );
    }
  }
  if (
    !Number.isInteger(cropH) || !Number.isInteger(cropW) || cropH < 0 || cropW < 0 || cropH > outH ||
    cropW > outW
  ) {
    throw new SamqError(
      "invalid_argument",
      `Cannot resize: crop ${cropH}x${cropW} must lie within the output ${outH}x${outW}`,
      { field: "crop" },
    );
  }
  if (src.length !== c * inH * inW) {
    throw new SamqError(
      "invalid_argument",
      `Cannot resize: expected ${c * inH * inW} values for [${c}, ${inH}, ${inW}], got ${src.length}`,
      { field: "src" },
    );
  }
  const ty = axisTaps(inH, outH, cropH);
  const tx = axisTaps(inW, outW, cropW);
  const out = new Float32Array(c * cropH * cropW);
  // Separable evaluation: the horizontal interpolation of an input row is the same for every output row that
  // reads it, so each needed row is interpolated once (kept in a two-row cache, since i0 never decreases).
  // The float32 steps are exactly those of the per-pixel formula above.
  const rowA = new Float32Array(cropW), rowB = new Float32Array(cropW);
  for (let ch = 0; ch < c; ch++) {
    const plane = ch * inH * inW;
    let a = -1, b = -1;
    let bufA = rowA, bufB = rowB;
    let o = ch * cropH * cropW;
    for (let y = 0; y < cropH; y++) {
      const i0 = ty.i0[y]!, i1 = ty.i1[y]!;
      if (a !== i0) {
        if (b === i0) {
          [bufA, bufB] = [bufB, bufA];
          [a, b] = [b, a];
        } else {
          horizontalRow(src, plane + i0 * inW, tx, cropW, bufA);
          a = i0;
        }
      }
      if (b !== i1) {
        if (i1 === a) {
          bufB.set(bufA);
        } else {
          horizontalRow(src, plane + i1 * inW, tx, cropW, bufB);
        }
        b = i1;
      }
      const wy0 = ty.w0[y]!, wy1 = ty.w1[y]!;
      for (let x = 0; x < cropW; x++) out[o++] = Math.fround(bufA[x]! * wy0) + Math.fround(bufB[x]! * wy1);
    }
  }
  return out;
}
