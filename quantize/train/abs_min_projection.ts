/**
 * A post-step projection for step sizes: Δ ← max(|Δ|, ε) (spec §1, "after each step"), which keeps a
 * learned step positive and away from zero.
 *
 * @module
 */

/** Maps a parameter's values in place after each optimizer step. */
export type ProjectionHook = (values: Float32Array | Float64Array) => void;

/** The projection Δ ← max(|Δ|, eps). */
export function absMinProjection(eps: number): ProjectionHook {
  return (values) => {
    for (let i = 0; i < values.length; i++) values[i] = Math.max(Math.abs(values[i]!), eps);
  };
}
