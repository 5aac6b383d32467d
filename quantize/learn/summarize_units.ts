/**
 * One-line summaries of a reconstruction for a method's notes.
 *
 * @module
 */
import type { UnitReport } from "./reconstruct_units.ts";

/** "<label>: N units (L learned, K kept initial), S steps each, error initial → final, T s". */
export function summarizeUnits(label: string, units: readonly UnitReport[]): string {
  const learned = units.filter((u) => u.kept === "learned").length;
  const steps = [...new Set(units.map((u) => u.iterations))].join("/");
  const sum = (f: (u: UnitReport) => number) => units.reduce((a, u) => a + f(u), 0);
  const final = sum((u) => (u.kept === "learned" ? u.learnedError : u.initialError));
  return `${label}: ${units.length} units (${learned} learned, ${
    units.length - learned
  } kept their initialisation), ` +
    `${steps} steps per unit, summed unit error ${sum((u) => u.initialError).toExponential(3)} → ${
      final.toExponential(3)
    }, ` +
    `${sum((u) => u.seconds).toFixed(1)} s${perStep(units)}`;
}

/** ", median X s per step" over the units that learned (the steady-state rate of `train`). */
function perStep(units: readonly UnitReport[]): string {
  const v = units.map((u) => u.secondsPerStep).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return "";
  return ` (median ${v[Math.floor(v.length / 2)]!.toFixed(3)} s per step)`;
}
