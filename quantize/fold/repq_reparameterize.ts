/**
 * RepQ-ViT's post-LayerNorm scale reparameterization (spec §5): turns per-channel activation quantizer
 * parameters (Δ_c, z_c) into one per-tensor quantizer (Δ̃, z̃) plus a per-channel transform
 * x' = x/r_c − b_c that is folded into the LayerNorm and the next Linear:
 *
 *     Δ̃ = mean_c Δ_c,  z̃ = mean_c z_c,  r_c = Δ_c/Δ̃,  m_c = −z_c·Δ_c,  m̃ = −z̃·Δ̃,  b_c = m_c/r_c − m̃
 *
 * samq's quantizers need an integer zero-point, so z̃ is rounded half up (option `roundZeroPoint`,
 * default true; RepQ-ViT's code keeps the float mean) and m̃ uses the rounded z̃. This keeps the
 * equivalence exact: the per-tensor grid of x' maps back through r_c onto each channel's own grid
 * m_c + q·Δ_c (and the rounding offset b_c/Δ̃ = ẑ − z_c is an integer).
 *
 * The transform in the (v, s) form used by `foldLayerNorm` / `foldLinearInput` is x' = (x − v)/s with
 * s_c = r_c and v_c = r_c·b_c; then γ' = γ/r, β' = β/r − b and W'[c, :] = r_c·W[c, :], b' = b + b_vec·W'.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { roundHalfUp } from "../quantizers/round_half_up.ts";

/** Options of {@link repqReparameterize}. */
export interface RepqOptions {
  /** Round z̃ to an integer (half up). @default true */
  roundZeroPoint?: boolean;
}

/** Result of {@link repqReparameterize}. */
export interface RepqReparam {
  /** r_c and b_c per channel. */
  r: Float64Array;
  b: Float64Array;
  /** Per-tensor step Δ̃ (float32-representable) and zero-point z̃. */
  scale: number;
  zeroPoint: number;
  /** The same transform as x' = (x − shift)/scaleVec: shift = r ⊙ b, scaleVec = r. */
  shift: Float64Array;
  channelScale: Float64Array;
}

/** Computes RepQ-ViT's (r, b, Δ̃, z̃) from per-channel `scale` Δ_c > 0 and `zeroPoint` z_c (length C). */
export function repqReparameterize(
  scale: ArrayLike<number>,
  zeroPoint: ArrayLike<number>,
  options: RepqOptions = {},
): RepqReparam {
  const C = scale.length;
  check(
    C > 0 && zeroPoint.length === C,
    "zeroPoint",
    `Need equal, non-empty scale and zeroPoint, got ${C} and ${zeroPoint.length}`,
  );
  let sd = 0;
  let sz = 0;
  for (let c = 0; c < C; c++) {
    check(scale[c]! > 0, "scale", `scale[${c}] = ${scale[c]} must be > 0`);
    sd += scale[c]!;
    sz += zeroPoint[c]!;
  }
  const dTilde = Math.fround(sd / C);
  const zTilde = (options.roundZeroPoint ?? true) ? roundHalfUp(sz / C) : sz / C;
  const mTilde = -zTilde * dTilde;
  const r = new Float64Array(C);
  const b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    r[c] = scale[c]! / dTilde;
    b[c] = (-zeroPoint[c]! * scale[c]!) / r[c]! - mTilde;
  }
  const shift = r.map((rc, c) => rc * b[c]!);
  return { r, b, scale: dTilde, zeroPoint: zTilde, shift, channelScale: r.slice() };
}
