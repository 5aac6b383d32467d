/**
 * Learning-rate schedules as a factor on each group's base learning rate, for the 0-based update index
 * t of T updates:
 *
 * - `constant`: 1.
 * - `cosine` (PyTorch's CosineAnnealingLR closed form, T_max = T − W, after an optional linear warm-up of
 *   W updates): t < W → (t + 1)/W; else f_min + (1 − f_min)·(1 + cos(π·(t − W)/(T − W)))/2. The first
 *   update after warm-up uses the full rate and the rate approaches f_min at the end.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Schedule kinds. */
export const LR_SCHEDULES = ["constant", "cosine"] as const;
/** One of {@link LR_SCHEDULES}. */
export type LrScheduleKind = typeof LR_SCHEDULES[number];

/** A learning-rate schedule. */
export interface LrSchedule {
  /** @default "cosine" */
  kind: LrScheduleKind;
  /** Linear warm-up updates W (cosine only). @default 0 */
  warmupSteps: number;
  /** Final factor f_min (cosine only; PyTorch's eta_min / lr). @default 0 */
  minFactor: number;
}

/** The defaults of {@link LrSchedule}. */
export const LR_SCHEDULE_DEFAULTS: Readonly<LrSchedule> = Object.freeze({
  kind: "cosine",
  warmupSteps: 0,
  minFactor: 0,
});

/** Merges `partial` over {@link LR_SCHEDULE_DEFAULTS} and validates it against `steps`. */
export function resolveLrSchedule(partial: Partial<LrSchedule> = {}, steps: number): LrSchedule {
  const s: LrSchedule = { ...LR_SCHEDULE_DEFAULTS, ...partial };
  if (!LR_SCHEDULES.includes(s.kind)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use schedule "${s.kind}": expected one of ${LR_SCHEDULES.map((k) => `"${k}"`).join(", ")}`,
      { field: "schedule.kind" },
    );
  }
  if (!Number.isInteger(s.warmupSteps) || s.warmupSteps < 0 || s.warmupSteps > steps) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use warm-up of ${s.warmupSteps} steps for a run of ${steps}`,
      {
        field: "schedule.warmupSteps",
      },
    );
  }
  if (!(s.minFactor >= 0 && s.minFactor <= 1)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use minFactor ${s.minFactor}: expected a value in [0, 1]`,
      {
        field: "schedule.minFactor",
      },
    );
  }
  return s;
}

/** The learning-rate factor of update `t` (0-based) of `steps`. */
export function lrFactor(schedule: LrSchedule, t: number, steps: number): number {
  if (schedule.kind === "constant") return 1;
  const w = schedule.warmupSteps;
  if (t < w) return (t + 1) / w;
  const span = steps - w;
  if (span <= 0) return 1;
  const f = schedule.minFactor;
  return f + ((1 - f) * (1 + Math.cos((Math.PI * (t - w)) / span))) / 2;
}
