/**
 * Step "BIG" of PTQ4SAM (spec §4.2, bimodal integration), closed-form, no gradients:
 *
 * 1. candidates: the decoder attentions whose q and k come from their own projections
 *    (`findQkProjections`) and whose keys outnumber the queries — the token→image cross-attentions, whose
 *    keys K = k_proj(image embedding + PE) are the image tokens (self-attention has equal counts and
 *    image→token fewer keys); the counts come from the run below, not from names;
 * 2. one float run on the first calibration image with a prompt (its first prompt only), tapping every
 *    candidate's q_proj and k_proj outputs ([1, N, C]);
 * 3. detection on that run's flattened K (`isBimodal`: Gaussian KDE on 128 points, peaks ≥ 0.01·Σy at
 *    distance ≥ 32, bimodal iff exactly 2 peaks); mode "always" skips the test (ablation), "off" skips BIG;
 * 4. for a bimodal K: γ_c = sign(mean over tokens of K_c) (`channelMeanSigns`), folded into the output
 *    channels of both q_proj and k_proj, weights and biases (`foldOutputSigns`). Exact: q·kᵀ =
 *    Σ_c (γ_c q_c)(γ_c k_c) with γ_c² = 1, and sign flips are exact in float, so the float outputs are
 *    bit-identical (the audit's folding check confirms it on real images).
 *
 * Folding one attention leaves every later tensor unchanged, so one run serves all candidates. The run
 * happens before calibration so that the q and k quantizers are calibrated on the folded graph.
 *
 * @module
 */
import type { CalibrationSet } from "../../calibrate/calibration_set.ts";
import { calibrateTaps, type CalibrationTap } from "../../calibrate/calibrate_taps.ts";
import type { ProgressFn } from "../../calibrate/progress.ts";
import { channelMeanSigns } from "../../fold/channel_mean_signs.ts";
import { foldOutputSigns } from "../../fold/fold_output_signs.ts";
import { replaceConstant } from "../../graph/apply_channel_transform.ts";
import type { PreparedModel } from "../../graph/prepare_sam_model.ts";
import type { LinearRecord } from "../../graph/types.ts";
import { isBimodal } from "../../kde/is_bimodal.ts";
import type { ExecutionProvider } from "../../../runtime/execution_provider.ts";
import type { Graph } from "../../../onnx/ir/graph.ts";
import type { Constant } from "../../../onnx/ir/tensor.ts";
import type { FoldRecord } from "../types.ts";
import { findQkProjections, type QkProjections } from "./find_qk_projections.ts";

/** BIG modes: KDE detection (PTQ4SAM), fold every token→image attention, or none. */
export const BIG_MODES = ["kde", "always", "off"] as const;
/** One of {@link BIG_MODES}. */
export type BigMode = typeof BIG_MODES[number];

/** What BIG decided for one token→image attention. */
export interface BigDecision {
  /** The q·kᵀ MatMul. */
  attention: string;
  qProj: string;
  kProj: string;
  /** Query and key token counts seen on the detection run, and the projection width C. */
  queries: number;
  keys: number;
  channels: number;
  /** KDE peaks found (−1 when the test did not run). */
  peaks: number;
  bimodal: boolean;
  /** Channels whose sign was flipped (γ_c = −1); 0 when not folded. */
  flipped: number;
  folded: boolean;
}

/** A BIG fold in `quant.json` (`FoldRecord` plus the attention; `layerNorm` is empty: no LayerNorm). */
export interface BigFoldRecord extends FoldRecord {
  kind: "big-sign";
  attention: string;
  /** KDE peaks found on the detection run (−1 in mode "always"). */
  peaks: number;
  flipped: number;
}

/** Options of {@link foldBimodalKeys}. */
export interface FoldBimodalKeysOptions {
  mode: BigMode;
  ep: ExecutionProvider;
  progress?: ProgressFn;
}

/** Runs BIG on `model.decoder` in place; returns the decisions (every candidate) and the folds made. */
export async function foldBimodalKeys(
  model: PreparedModel,
  calibration: CalibrationSet,
  options: FoldBimodalKeysOptions,
): Promise<{ decisions: BigDecision[]; folds: BigFoldRecord[]; notes: string[] }> {
  const notes: string[] = [];
  const graph = model.decoder.model.graph;
  const candidates = findQkProjections(graph, model.decoder.patterns).filter((c) =>
    !c.attention.scope.floatByDefault
  );
  const first = calibration.images.find((im) => im.prompts.length > 0);
  if (options.mode === "off" || candidates.length === 0) return { decisions: [], folds: [], notes };
  if (first === undefined) {
    notes.push("BIG skipped: no calibration image has a prompt, so the decoder never ran");
    return { decisions: [], folds: [], notes };
  }
  const seen = new Map<string, { data: Float32Array; shape: number[] }>();
  const taps: CalibrationTap[] = candidates.flatMap((c) =>
    [c.qProj, c.kProj].map((l) => ({
      part: "decoder" as const,
      tensor: l.output.name,
      observe(x: Float32Array, shape: readonly number[]) {
        if (!seen.has(l.output.name)) seen.set(l.output.name, { data: x.slice(), shape: [...shape] });
      },
    }))
  );
  const single: CalibrationSet = {
    ...calibration,
    images: [{ ...first, prompts: first.prompts.slice(0, 1) }],
  };
  await calibrateTaps(model, single, taps, {
    ep: options.ep,
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const decisions: BigDecision[] = [];
  const folds: BigFoldRecord[] = [];
  for (const c of candidates) {
    const q = seen.get(c.qProj.output.name)!;
    const k = seen.get(c.kProj.output.name)!;
    const C = c.kProj.dims.out;
    const queries = q.data.length / C, keys = k.data.length / C;
    if (!(keys > queries)) continue;
    const test = options.mode === "kde" ? isBimodal(k.data) : undefined;
    const decision: BigDecision = {
      attention: c.attention.qk.name,
      qProj: c.qProj.node.name,
      kProj: c.kProj.node.name,
      queries,
      keys,
      channels: C,
      peaks: test === undefined ? -1 : test.peaks.length,
      bimodal: test?.bimodal ?? true,
      flipped: 0,
      folded: false,
    };
    decisions.push(decision);
    if (!decision.bimodal) continue;
    const signs = channelMeanSigns(k.data, { rows: keys, channels: C });
    decision.flipped = signs.reduce((n, g) => n + (g < 0 ? 1 : 0), 0);
    if (decision.flipped === 0) {
      notes.push(`BIG: "${decision.attention}" is bimodal but every channel mean is ≥ 0; nothing to fold`);
      continue;
    }
    foldSigns(graph, c, signs);
    decision.folded = true;
    folds.push({
      part: "decoder",
      kind: "big-sign",
      layerNorm: "",
      linears: [c.qProj.node.name, c.kProj.node.name],
      channels: C,
      scaleMin: -1,
      scaleMax: 1,
      attention: decision.attention,
      peaks: decision.peaks,
      flipped: decision.flipped,
    });
  }
  return { decisions, folds, notes };
}

function foldSigns(graph: Graph, c: QkProjections, signs: Float32Array): void {
  for (const lin of [c.qProj, c.kProj]) foldLinearSigns(graph, lin, signs);
}

function foldLinearSigns(graph: Graph, lin: LinearRecord, signs: Float32Array): void {
  const w = lin.node.inputs[lin.weightSlot] as Constant;
  const b = lin.bias ? (lin.bias.node.inputs[lin.bias.slot] as Constant) : undefined;
  const layout = lin.layout === "in-out" ? "in-out" : "out-in";
  const f = foldOutputSigns(
    w.values() as Float32Array,
    b?.values() as Float32Array | undefined,
    lin.dims,
    layout,
    signs,
  );
  replaceConstant(graph, lin.node, lin.weightSlot, f.weight);
  if (lin.bias && f.bias) replaceConstant(graph, lin.bias.node, lin.bias.slot, f.bias);
}
