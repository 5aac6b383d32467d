/**
 * Step of `ahcptq` (spec §10): its changes to PTQ4SAM-S's static stage (`ptq4samStatic`), site by site.
 *
 * - **HLUQ** on post-GELU/ReLU tensors (the inputs of MLP lin2: class "lin2" of `gadt_targets.ts`): a
 *   reservoir of token rows plus each run's exact extremes (`channel_rows_observer.ts`); the range is the
 *   per-run minimum and maximum averaged over runs (the official `HybridParamObserver`), and
 *   (range_rate, grid_rate) is chosen by the error of the lin2 output on the sampled rows
 *   (`search/hluq_search.ts`). Rows are bounded by `hluqBudget` multiply-adds per candidate.
 * - **CAG** on the inputs of the qkv / q_proj, k_proj, v_proj and MLP lin1 Linears (classes "qkv",
 *   "lin1"): per-channel (Δ_c, z_c) from the per-run per-channel extremes averaged over runs
 *   (`AvgMinMaxGroupObserver`, with the spec §1 observer rule), then progressive k-means into
 *   8g → 4g → 2g → g groups (`cag/progressive_grouping.ts`); emitted as a per-channel uniform quantizer
 *   along the last (channel) axis whose channels share their group's (Δ, z).
 *
 * Every other site keeps PTQ4SAM-S's quantizer (AvgMinMax uniform, AGQ on softmax outputs).
 *
 * @module
 */
import type { Prng } from "../../../util/prng.ts";
import type { ChannelRowsStats } from "./channel_rows_observer.ts";
import { createChannelRowsObserver } from "./channel_rows_observer.ts";
import { cagStages, progressiveGrouping } from "../../cag/progressive_grouping.ts";
import type { PreparedModel } from "../../graph/prepare_sam_model.ts";
import type { LinearRecord } from "../../graph/types.ts";
import type { ActivationSite } from "../../insert/plan_quantizers.ts";
import type { Observer } from "../../observers/observer.ts";
import type { BitWidth } from "../../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../../quantizers/uniform_params_from_range.ts";
import { searchHluq } from "../../search/hluq_search.ts";
import type { Constant } from "../../../onnx/ir/tensor.ts";
import { findGadtTargets, type GadtTarget } from "./gadt_targets.ts";
import type { Ptq4samSExtension } from "../ptq4sam_s.ts";

/** Settings of {@link ahcptqExtension} (the method's options, resolved). */
export interface AhcptqStaticSettings {
  bits: BitWidth;
  hluq: boolean;
  hluqRangeRates: readonly number[];
  hluqGridRates: readonly number[];
  hluqBudget: number;
  cag: boolean;
  cagTargets: readonly GadtTarget[];
  cagGroups: number;
  cagKmeansIterations: number;
}

/** Observed statistics with the rank of the tensor they came from. */
interface Ranked {
  rows: ChannelRowsStats;
  rank: number;
}

/** The extension; `notes` receives one line per HLUQ and CAG decision. */
export function ahcptqExtension(
  model: PreparedModel,
  settings: AhcptqStaticSettings,
  prng: Prng,
  notes: string[],
): Ptq4samSExtension {
  const kind = (site: ActivationSite): "hluq" | "cag" | undefined => {
    const patterns = model[site.part].patterns;
    if (settings.hluq && findGadtTargets(patterns, [site], ["lin2"]).length > 0) return "hluq";
    if (settings.cag && findGadtTargets(patterns, [site], settings.cagTargets).length > 0) return "cag";
    return undefined;
  };
  return {
    observers(site) {
      const k = kind(site);
      if (k === undefined) return {};
      const lin = site.linears[0]!;
      const rows = k === "cag"
        ? 1
        : Math.max(1, Math.floor(settings.hluqBudget / (lin.dims.in * lin.dims.out)));
      const inner = createChannelRowsObserver({ prng, maxRows: rows, maxValues: rows * lin.dims.in });
      return { [k]: { observer: ranked(inner) } };
    },
    activation(site, stats) {
      const h = stats.hluq as Ranked | undefined;
      if (h !== undefined) {
        const { min, max } = averagedTensorRange(h.rows);
        if (!(max > min)) return undefined;
        const w = weightInOut(site.linears[0]!);
        const r = searchHluq({
          rows: h.rows.values,
          cin: h.rows.channels,
          weight: w,
          cout: site.linears[0]!.dims.out,
          min,
          max,
          bits: settings.bits,
          rangeRates: settings.hluqRangeRates,
          gridRates: settings.hluqGridRates,
        });
        notes.push(
          `HLUQ: "${site.id}": range_rate ${r.rangeRate}, grid_rate ${r.gridRate} (${r.params.logLevels} log levels) on ${h.rows.rows} rows`,
        );
        return { params: r.params };
      }
      const c = stats.cag as Ranked | undefined;
      if (c === undefined) return undefined;
      const C = c.rows.channels;
      const lo = new Float64Array(C), hi = new Float64Array(C);
      for (let r = 0; r < c.rows.runMin.length; r++) {
        for (let j = 0; j < C; j++) {
          lo[j]! += c.rows.runMin[r]![j]! / c.rows.runMin.length;
          hi[j]! += c.rows.runMax[r]![j]! / c.rows.runMax.length;
        }
      }
      const axis = c.rank - 1;
      const perChannel = uniformParamsFromRange(lo, hi, { bits: settings.bits, axis });
      const g = progressiveGrouping(
        perChannel.scale,
        perChannel.zeroPoint,
        cagStages(settings.cagGroups),
        prng,
        {
          maxIterations: settings.cagKmeansIterations,
        },
      );
      notes.push(`CAG: "${site.id}": ${C} channels → ${g.groupsPerStage.join(" → ")} groups`);
      return { params: { ...perChannel, scale: g.scale, zeroPoint: g.zeroPoint }, rank: c.rank };
    },
  };
}

/** The tensor minimum and maximum of each run, averaged over runs (AvgMinMax, spec §4.1). */
function averagedTensorRange(s: ChannelRowsStats): { min: number; max: number } {
  let min = 0, max = 0;
  const runs = s.runMin.length;
  for (let r = 0; r < runs; r++) {
    min += s.runMin[r]!.reduce((a, b) => Math.min(a, b), Infinity) / runs;
    max += s.runMax[r]!.reduce((a, b) => Math.max(a, b), -Infinity) / runs;
  }
  return { min, max };
}

/** A Linear's float weight as row-major [in, out]. */
function weightInOut(lin: LinearRecord): Float32Array {
  const w = (lin.node.inputs[lin.weightSlot] as Constant).values() as Float32Array;
  if (lin.layout === "in-out") return w;
  const { in: cin, out } = lin.dims;
  const t = new Float32Array(cin * out);
  for (let o = 0; o < out; o++) for (let i = 0; i < cin; i++) t[i * out + o] = w[o * cin + i]!;
  return t;
}

/** `inner` with the rank of the tensors it saw. */
function ranked(inner: Observer<ChannelRowsStats>): Observer<Ranked> {
  let rank = 0;
  return {
    observe(x, shape) {
      rank = shape.length;
      inner.observe(x, shape);
    },
    finalize: () => ({ rows: inner.finalize(), rank }),
    bufferedValues: () => inner.bufferedValues(),
  };
}
