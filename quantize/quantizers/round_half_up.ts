/**
 * The one rounding rule of samq's quantizers: round half up, ⌊u⌉ = ⌊u + 0.5⌋.
 *
 * Why: the ONNX graphs emit rounding as `Floor(Add(u, 0.5))` because `Round` (half-to-even) has no WebGPU
 * kernel and would fall back to the CPU (DESIGN §5). Floor(u + 0.5) is identical on every EP, so the
 * reference quantizers here use exactly the same rule. It differs from half-to-even (PyTorch's
 * `torch.round`) only on exact ties: 0.5 → 1 (not 0), 2.5 → 3 (not 2), −0.5 → 0, −1.5 → −1.
 *
 * @module
 */

/** Round half up: `Math.floor(u + 0.5)`. */
export function roundHalfUp(u: number): number {
  return Math.floor(u + 0.5);
}
