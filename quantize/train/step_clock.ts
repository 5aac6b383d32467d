/**
 * Steady-state seconds per training step: the time from the first completed update to the last, over the
 * updates in between, so that session creation and the first run's one-off work (kernel selection, memory
 * arena growth on a GPU) stay out of the figure. With a single update it is that update's time.
 *
 * @module
 */
import type { TrainProgress } from "./train.ts";

/** A clock fed by `train`'s progress callback. */
export interface StepClock {
  /** Pass to (or call from) `TrainOptions.progress`. */
  tick(p: TrainProgress): void;
  /** Seconds per update in steady state (NaN before any update). */
  secondsPerStep(): number;
}

/** Starts a clock; `now` is injectable for tests. */
export function startStepClock(now: () => number = () => performance.now()): StepClock {
  const t0 = now();
  let first: { step: number; at: number } | undefined;
  let last: { step: number; at: number } | undefined;
  return {
    tick(p) {
      const at = now();
      if (first === undefined) first = { step: p.step, at };
      last = { step: p.step, at };
    },
    secondsPerStep() {
      if (first === undefined || last === undefined) return NaN;
      if (last.step === first.step) return (first.at - t0) / 1000 / first.step;
      return (last.at - first.at) / 1000 / (last.step - first.step);
    },
  };
}
