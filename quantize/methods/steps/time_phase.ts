/**
 * Step helper: wall time of a phase, added to a timings record (ms).
 *
 * @module
 */
import type { QuantizePhase } from "../../calibrate/progress.ts";

/** Runs `fn`, adds its wall time to `timings[phase]` and returns its result. */
export async function timePhase<T>(
  timings: Partial<Record<QuantizePhase, number>>,
  phase: QuantizePhase,
  fn: () => T | Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + (performance.now() - t0);
  }
}
