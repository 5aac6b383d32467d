/**
 * Optimizer settings of learned parameters, by role: learning rate, the post-step projection that keeps
 * each parameter valid, its learning-rate schedule, and LSQ's gradient scale (spec §1, §6).
 *
 * | role        | projection after each step                 | LSQ gradient scale g                 |
 * |-------------|--------------------------------------------|--------------------------------------|
 * | step        | Δ ← max(|Δ|, 1e-8) (spec §1)                | 1/√((N/C)·Q_P)                        |
 * | zero        | z ← clamp(z, qmin, qmax) (spec §6)          | 1/√((N/C)·Q_P)                        |
 * | log_scale   | s ← max(|s|, 1e-8)                          | 1/√(N·Q_P)                            |
 * | hluq_log_scale, hluq_uni_scale | s ← max(|s|, 1e-8)       | none (the official `HybridQuantize` has none) |
 * | gadt_scale  | s ← max(|s|, 1e-4) (s kept > 0: "|s|", §3.3 E) | none                              |
 * | round, gadt_shift | none                                  | none                                  |
 *
 * `train` applies one schedule to every group; a parameter whose schedule differs from it gets a group of
 * its own whose projection rescales each update: p ← p_prev + (p − p_prev)·f(t)/f_global(t) (for Adam
 * without weight decay this is exactly the update with learning rate lr·f(t)), so AdaRound's V keeps a
 * constant rate while step sizes follow a cosine (spec §7, §8).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { absMinProjection, type ProjectionHook } from "../train/abs_min_projection.ts";
import { lrFactor, type LrSchedule, resolveLrSchedule } from "../train/lr_schedule.ts";
import type { ParamGroup } from "../train/train.ts";
import { lsqGradScale } from "../train/lsq_grad_scale.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import type { LearnRole } from "./_names.ts";
import type { LearnedParam } from "./trainable_graph.ts";

/** Learning rate and schedule kind of one role (absent roles are not learned). */
export interface RoleOptimizer {
  lr: number;
  schedule: LrSchedule["kind"];
}

/** Optimizer settings by role. */
export type RoleOptimizers = Partial<Record<LearnRole, RoleOptimizer>>;

/** What `train` needs: groups (global schedule constant) and gradient scales. */
export interface TrainSettings {
  groups: ParamGroup[];
  gradScales: Record<string, number>;
  schedule: Partial<LrSchedule>;
}

/**
 * Groups and scales for `params`; `elements(p)` gives the elements the quantizer sees per call (N);
 * `start` holds the values training starts from (default: each parameter's `init`).
 *
 * @throws {SamqError} `invalid_argument` when a parameter's role has no optimizer setting.
 */
export function trainSettings(
  params: readonly LearnedParam[],
  optimizers: RoleOptimizers,
  steps: number,
  elements: (p: LearnedParam) => number | undefined,
  start: Readonly<Record<string, TrainParam>> = {},
): TrainSettings {
  const groups: ParamGroup[] = [];
  const gradScales: Record<string, number> = {};
  for (const p of params) {
    const o = optimizers[p.role];
    if (o === undefined) {
      throw new SamqError(
        "invalid_argument",
        `Cannot train "${p.name}": no learning rate for role "${p.role}"`,
        {
          field: p.role,
        },
      );
    }
    const base = projectionOf(p);
    const project = o.schedule === "constant"
      ? base
      : scheduledProjection((start[p.name] ?? p.init).data, o.schedule, steps, base);
    groups.push({ params: [p.name], lr: o.lr, ...(project === undefined ? {} : { project }) });
    const n = elements(p);
    if (
      p.qmax !== undefined && n !== undefined &&
      (p.role === "step" || p.role === "zero" || p.role === "log_scale")
    ) {
      gradScales[p.name] = lsqGradScale(Math.max(1, n / (p.channels ?? 1)), p.qmax);
    }
  }
  return { groups, gradScales, schedule: { kind: "constant" } };
}

function projectionOf(p: LearnedParam): ProjectionHook | undefined {
  switch (p.role) {
    case "step":
    case "log_scale":
    case "hluq_log_scale":
    case "hluq_uni_scale":
      return absMinProjection(1e-8);
    case "gadt_scale":
      return absMinProjection(1e-4);
    case "zero": {
      const hi = p.qmax ?? 255;
      return (v) => {
        for (let i = 0; i < v.length; i++) v[i] = Math.min(Math.max(v[i]!, 0), hi);
      };
    }
    default:
      return undefined;
  }
}

/** The per-parameter schedule hook (see the module doc); `initial` are the values before update 1. */
export function scheduledProjection(
  initial: ArrayLike<number>,
  kind: LrSchedule["kind"],
  steps: number,
  then?: ProjectionHook,
): ProjectionHook {
  const schedule = resolveLrSchedule({ kind }, steps);
  let prev = Float64Array.from(initial);
  let t = 0;
  return (values) => {
    const f = lrFactor(schedule, t++, steps);
    for (let i = 0; i < values.length; i++) values[i] = prev[i]! + (values[i]! - prev[i]!) * f;
    then?.(values);
    prev = Float64Array.from(values);
  };
}
