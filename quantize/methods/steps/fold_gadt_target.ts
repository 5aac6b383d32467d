/**
 * Step "fold" of PQ-SAM for one GADT target (spec §3.3 C–D): OHC on the target's sampled token rows,
 * the grouped transform folded into the graph (`applyGadtTransform`), and the per-tensor quantizer of
 * x̃ = (clip_T(x) − v_{g(c)})/s_{g(c)}.
 *
 * - OHC (`outlierHierarchicalClustering`) sees every sampled value in every quantile (no internal
 *   striding: a fixed stride over the pooled rows × remaining channels can alias with the channel count
 *   and skew stage 2's tensor quantiles).
 * - Quantizer range: each run's exact per-channel extremes are mapped through the transform (increasing
 *   in x, so extremes map to extremes; clipped to the fence T first under forward truncation), reduced
 *   over channels, then averaged over runs (AvgMinMax, spec §3.2) or taken over all runs ("running").
 * - Forward truncation: the fence in x̃ units per channel, [(lo − v_c)/s_c, (hi − v_c)/s_c], for
 *   `insertChannelClip` after the folded-float snapshot.
 *
 * @module
 */
import type { Graph } from "../../../onnx/ir/graph.ts";
import type { ActivationSite } from "../../insert/plan_quantizers.ts";
import type { OhcInitRule } from "../../ohc/ohc_init.ts";
import { type OhcResult, outlierHierarchicalClustering } from "../../ohc/outlier_hierarchical_clustering.ts";
import type { BitWidth, UniformQuantizerParams } from "../../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../../quantizers/uniform_params_from_range.ts";
import type { FoldRecord } from "../types.ts";
import { applyGadtTransform, type GadtFoldKind } from "./apply_gadt_transform.ts";
import type { ChannelRowsStats } from "./channel_rows_observer.ts";
import type { GadtTarget } from "./gadt_targets.ts";

/** Where the stage-1 truncation applies (spec §13 item 2). */
export const TRUNCATIONS = ["forward", "stats-only"] as const;
/** One of {@link TRUNCATIONS}. */
export type Truncation = typeof TRUNCATIONS[number];

/** A GADT transform in `quant.json`: `FoldRecord` plus the OHC result. */
export interface GadtFoldRecord extends FoldRecord {
  kind: "gadt";
  /** Folded into the LayerNorm, or through an inserted per-channel affine. */
  fold: GadtFoldKind;
  /** The quantized site (tensor name). */
  site: string;
  targets: GadtTarget[];
  lambda: number;
  alpha: number;
  init: OhcInitRule;
  truncation: Truncation;
  /** Stage-1 fence [lo, hi] (in the units of x, before the transform). */
  fence: [number, number];
  /** Fraction of the sampled values outside the fence. */
  truncatedFraction: number;
  /** Number of OHC groups and their sizes (channels), bulk first. */
  groups: number;
  groupSizes: number[];
  /** Token rows the statistics came from. */
  sampledRows: number;
}

/** Options of {@link foldGadtTarget}. */
export interface FoldGadtTargetOptions {
  lambda: number;
  alpha: number;
  init: OhcInitRule;
  truncation: Truncation;
  /** Allow the explicit affine where the LayerNorm cannot take the transform. */
  explicitTransform: boolean;
  /** Per-run extremes averaged (AvgMinMax) or the running extremes. */
  average: boolean;
  bits: BitWidth;
}

/** A folded target. */
export interface FoldedGadtTarget {
  /** The site to quantize (reads x̃). */
  site: ActivationSite;
  params: UniformQuantizerParams;
  /** Per-channel fence in x̃ units (forward truncation only). */
  fence?: { lo: Float32Array; hi: Float32Array };
  record: GadtFoldRecord;
}

/** Runs OHC and folds the transform of `site` into `graph`; undefined when it could not be applied. */
export function foldGadtTarget(
  graph: Graph,
  site: ActivationSite,
  stats: ChannelRowsStats,
  targets: GadtTarget[],
  o: FoldGadtTargetOptions,
): FoldedGadtTarget | undefined {
  const all = stats.rows * stats.channels;
  const ohc = outlierHierarchicalClustering(stats.values, { rows: stats.rows, channels: stats.channels }, {
    lambda: o.lambda,
    alpha: o.alpha,
    init: o.init,
    maxFenceValues: all,
    maxRowsPerChannel: stats.rows,
    maxTensorValues: all,
  });
  const applied = applyGadtTransform(graph, site, ohc.channelShift, ohc.channelScale, {
    explicit: o.explicitTransform,
  });
  if (applied === undefined) return undefined;
  const forward = o.truncation === "forward";
  const { lo, hi } = transformedRange(stats, ohc, forward, o.average);
  let outside = 0;
  for (const v of stats.values) if (v < ohc.fence.lo || v > ohc.fence.hi) outside++;
  const record: GadtFoldRecord = {
    part: site.part,
    kind: "gadt",
    layerNorm: applied.anchor,
    linears: site.linears.map((l) => l.node.name),
    channels: stats.channels,
    scaleMin: Math.min(...ohc.scale),
    scaleMax: Math.max(...ohc.scale),
    fold: applied.kind,
    site: site.id,
    targets,
    lambda: o.lambda,
    alpha: o.alpha,
    init: o.init,
    truncation: o.truncation,
    fence: [ohc.fence.lo, ohc.fence.hi],
    truncatedFraction: outside / Math.max(stats.values.length, 1),
    groups: ohc.groups.length,
    groupSizes: ohc.groups.map((g) => g.length),
    sampledRows: stats.rows,
  };
  const params = uniformParamsFromRange([lo], [hi], { bits: o.bits });
  if (!forward) return { site: applied.site, params, record };
  const inX = (bound: number) =>
    Float32Array.from(
      { length: stats.channels },
      (_, c) => (bound - ohc.channelShift[c]!) / ohc.channelScale[c]!,
    );
  return { site: applied.site, params, fence: { lo: inX(ohc.fence.lo), hi: inX(ohc.fence.hi) }, record };
}

/** Per-tensor range of x̃ from the exact per-run channel extremes (see the module doc). */
function transformedRange(
  st: ChannelRowsStats,
  ohc: OhcResult,
  clip: boolean,
  average: boolean,
): { lo: number; hi: number } {
  const t = (x: number, c: number) => {
    const y = clip ? Math.min(Math.max(x, ohc.fence.lo), ohc.fence.hi) : x;
    return (y - ohc.channelShift[c]!) / ohc.channelScale[c]!;
  };
  let sumLo = 0, sumHi = 0, minLo = Infinity, maxHi = -Infinity;
  st.runMin.forEach((mins, b) => {
    const maxs = st.runMax[b]!;
    let lo = Infinity, hi = -Infinity;
    for (let c = 0; c < st.channels; c++) {
      lo = Math.min(lo, t(mins[c]!, c));
      hi = Math.max(hi, t(maxs[c]!, c));
    }
    sumLo += lo;
    sumHi += hi;
    minLo = Math.min(minLo, lo);
    maxHi = Math.max(maxHi, hi);
  });
  const n = st.runMin.length;
  return average ? { lo: sumLo / n, hi: sumHi / n } : { lo: minLo, hi: maxHi };
}
