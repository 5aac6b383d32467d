/**
 * The `budget` option of learned methods: one factor that scales every iteration count (optimizer
 * steps per unit, or epochs × images end to end) down from the paper's schedule for CPU runs. 1 is the
 * paper-faithful schedule; the resolved factor is recorded with the method options in `quant.json`.
 *
 * @module
 */
import { checkOption } from "../methods/steps/merge_options.ts";

/** Steps actually run: max(1, round(paper · budget)). */
export function budgetSteps(paper: number, budget: number): number {
  return Math.max(1, Math.round(paper * budget));
}

/** Validates a budget factor in (0, 1] of method `method`. */
export function checkBudget(method: string, budget: number): void {
  checkOption(method, "budget", Number.isFinite(budget) && budget > 0 && budget <= 1, "must lie in (0, 1]");
}
