/**
 * Step "observe": one calibration pass that feeds every activation site of the plan to the observers a
 * method asks for. `makeObservers(site)` returns named observers, each with the in-graph reduction its
 * tap needs (`calibrate/tap_reduction.ts`: exact range, deterministic sample, rows, or the full tensor);
 * the result maps each site to its finalized statistics under the same names.
 *
 * Observers that need the shape of what they receive can be created lazily with {@link deferUntilShape}.
 *
 * @module
 */
import type { Observer } from "../../observers/observer.ts";
import type { CalibrationSet } from "../../calibrate/calibration_set.ts";
import { calibrateTaps, type CalibrationTap } from "../../calibrate/calibrate_taps.ts";
import type { ProgressFn } from "../../calibrate/progress.ts";
import type { SamForwardReport } from "../../calibrate/run_sam_forward.ts";
import type { PreparedModel } from "../../graph/prepare_sam_model.ts";
import type { ActivationSite } from "../../insert/plan_quantizers.ts";
import type { TapReduction } from "../../calibrate/tap_reduction.ts";
import type { CommonQuantizeOptions } from "../types.ts";
import type { PlannedPart } from "./plan_model.ts";

/** One observer and the reduction of the tensor it receives. */
export interface ObserverSpec<S> {
  observer: Observer<S>;
  /** @default { kind: "full" } */
  reduce?: TapReduction;
}

/** Finalized statistics of one site. */
export interface SiteStats<S> {
  site: ActivationSite;
  stats: Record<string, S>;
}

/** Runs calibration once and returns the statistics of every activation site, in plan order. */
export async function observeActivations<S>(
  model: PreparedModel,
  calibration: CalibrationSet,
  parts: readonly PlannedPart[],
  makeObservers: (site: ActivationSite) => Record<string, ObserverSpec<S>>,
  options: CommonQuantizeOptions,
  progress: ProgressFn,
): Promise<{ sites: SiteStats<S>[]; report: SamForwardReport }> {
  const entries: { site: ActivationSite; observers: Record<string, ObserverSpec<S>> }[] = [];
  const taps: CalibrationTap[] = [];
  for (const { plan } of parts) {
    for (const site of plan.activations) {
      const entry = { site, observers: makeObservers(site) };
      entries.push(entry);
      for (const spec of Object.values(entry.observers)) {
        taps.push({
          part: site.part,
          tensor: site.tensor.name,
          ...(spec.reduce === undefined ? {} : { reduce: spec.reduce }),
          observe: (x, shape) => spec.observer.observe(x, shape),
        });
      }
    }
  }
  const report = await calibrateTaps(model, calibration, taps, { ep: options.ep, progress });
  const sites = entries.map((e) => ({
    site: e.site,
    stats: Object.fromEntries(Object.entries(e.observers).map(([k, o]) => [k, o.observer.finalize()])),
  }));
  return { sites, report };
}

/** An observer created on the first batch from its shape (e.g. to turn a last-axis rule into an axis). */
export function deferUntilShape<S>(create: (shape: readonly number[]) => Observer<S>): Observer<S> {
  let inner: Observer<S> | undefined;
  return {
    observe(x, shape) {
      inner ??= create(shape);
      inner.observe(x, shape);
    },
    finalize() {
      if (inner === undefined) inner = create([0]);
      return inner.finalize();
    },
    bufferedValues: () => inner?.bufferedValues() ?? 0,
  };
}
