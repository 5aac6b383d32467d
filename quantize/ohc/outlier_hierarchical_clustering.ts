/**
 * PQ-SAM's two-stage outlier hierarchical clustering (OHC, spec §3.2–§3.3 C) on one activation tensor's
 * calibration samples, and the closed-form initial grouped shift/scale for GADT:
 *
 * 1. stage 1: IQR fence T = [Q1 − λ·IQR, Q3 + λ·IQR] over all values (`iqr_fence.ts`), computed on at
 *    most `maxFenceValues` evenly strided values; the statistics below use values clipped to T;
 * 2. stage 2: central-group peeling with quantile α (`central_group_peeling.ts`);
 * 3. initial v_n, s_n per group (`ohc_init.ts`), also expanded to one (v, s) per channel.
 *
 * Whether the forward pass is also clipped to T is the method's choice (spec §13 item 2); this module
 * only returns the fence.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { CENTRAL_GROUP_PEELING_DEFAULTS, centralGroupPeeling } from "./central_group_peeling.ts";
import { IQR_FENCE_DEFAULTS, type IqrFence, iqrFence } from "./iqr_fence.ts";
import { OHC_INITS, ohcInit, type OhcInitRule } from "./ohc_init.ts";

/** Options of {@link outlierHierarchicalClustering}. */
export interface OhcOptions {
  /** IQR multiplier λ of stage 1 (paper best, spec §3.1). @default 10 */
  lambda?: number;
  /** Quantile level α of stage 2 (paper best, spec §3.1). @default 0.25 */
  alpha?: number;
  /** Initialisation of v_n, s_n (spec §3.3 C (ii) vs (i)). @default "os+" */
  init?: OhcInitRule;
  /** Values used for the stage-1 quartiles. @default 1048576 */
  maxFenceValues?: number;
  /** Rows used for each channel's quantiles in stage 2. @default 4096 */
  maxRowsPerChannel?: number;
  /** Values used for each stage-2 tensor-level quantile. @default 1048576 */
  maxTensorValues?: number;
}

/** Defaults of {@link OhcOptions}. */
export const OHC_DEFAULTS = Object.freeze({
  lambda: IQR_FENCE_DEFAULTS.lambda,
  alpha: CENTRAL_GROUP_PEELING_DEFAULTS.alpha,
  init: "os+" as OhcInitRule,
  maxFenceValues: 1 << 20,
  maxRowsPerChannel: CENTRAL_GROUP_PEELING_DEFAULTS.maxRowsPerChannel,
  maxTensorValues: CENTRAL_GROUP_PEELING_DEFAULTS.maxTensorValues,
});

/** Result of {@link outlierHierarchicalClustering}. */
export interface OhcResult {
  /** Stage-1 fence. */
  fence: IqrFence;
  /** Channel lists per group, bulk first (hierarchy order). */
  groups: number[][];
  /** Group id of each channel (Int32Array of length C). */
  groupOf: Int32Array;
  /** v_n and s_n per group. */
  shift: Float64Array;
  scale: Float64Array;
  /** v and s expanded per channel: v_{g(c)}, s_{g(c)}. */
  channelShift: Float64Array;
  channelScale: Float64Array;
}

/** Runs OHC on `values` (float32, row-major [rows, channels]: token rows × C). */
export function outlierHierarchicalClustering(
  values: Float32Array,
  dims: { rows: number; channels: number },
  options: OhcOptions = {},
): OhcResult {
  const o = { ...OHC_DEFAULTS, ...options };
  check((OHC_INITS as readonly string[]).includes(o.init), "init", `Unknown OHC initialisation "${o.init}"`);
  check(
    dims.rows > 0 && dims.channels > 0 && values.length === dims.rows * dims.channels,
    "dims",
    `Cannot use dims ${dims.rows}×${dims.channels} for ${values.length} values`,
  );
  const stride = Math.max(1, Math.ceil(values.length / o.maxFenceValues));
  const fenceSample = stride === 1 ? values : values.filter((_, i) => i % stride === 0);
  const fence = iqrFence(fenceSample, { lambda: o.lambda });
  const clipped = values.map((v) => Math.min(Math.max(v, fence.lo), fence.hi));
  const groups = centralGroupPeeling(clipped, dims, {
    alpha: o.alpha,
    maxRowsPerChannel: o.maxRowsPerChannel,
    maxTensorValues: o.maxTensorValues,
  });
  const { shift, scale } = ohcInit(clipped, dims, groups, o.init);
  const groupOf = new Int32Array(dims.channels);
  groups.forEach((g, t) => g.forEach((c) => (groupOf[c] = t)));
  const channelShift = Float64Array.from(groupOf, (t) => shift[t]!);
  const channelScale = Float64Array.from(groupOf, (t) => scale[t]!);
  return { fence, groups, groupOf, shift, scale, channelShift, channelScale };
}
