/**
 * PQ-SAM's learned GADT (spec §3.3 E, F), part 1: the targets. The grouped shift {v_n} and scale {s_n}
 * that `pq-sam-s` found by OHC and folded into the graph (`GadtFoldRecord`s) are refined end to end.
 *
 * The learned part is a further grouped transform on top of the static one, x̃' = (x̃ − c_g)/a_g with
 * a_g = 1, c_g = 0 at the start (one a and one c per OHC group: 2·N_groups parameters per target), so
 * the composite transform is again GADT with s = s_static·a, v = v_static + s_static·c. In the training
 * graph (`gadt_plugin.ts`):
 *
 * - the activation quantizer of the target reads x̃' (after the stage-1 fence clip, which commutes with
 *   the increasing per-channel map when the fence is transformed with it);
 * - each of the target's Linears quantizes W'' = diag(a)·W' (rows = input channels; columns for Gemm
 *   with transB) with its learned step, and adds α·(c·W') to its output, so that the float function is
 *   unchanged for any a > 0 and c (a is kept positive by the |·| projection).
 *
 * At the end, `foldLearnedGadt` (`fold_learned_gadt.ts`) folds the learned (a, c) exactly as the static stage folds
 * (`foldLayerNorm` into γ, β — or into the explicit per-channel affine — and `foldLinearInput` into W and
 * b), transforms the fence, and updates the folded float graph so the audit's folding check covers it.
 *
 * OHC's channel groups are recovered from the folded constants: for an explicit affine, channels of one
 * group share (1/s, −v/s) exactly; for a LayerNorm fold, s_c = γ_c/γ'_c and v_c = β_c − s_c·β'_c (γ, β from
 * the source model), clustered at 1e-5 relative precision and checked against the recorded group sizes.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor } from "../../onnx/ir/tensor.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import type { LinearRecord, ModelPart } from "../graph/types.ts";
import type { GadtFoldRecord } from "../methods/pq_sam_s.ts";

/** One GADT target to learn. */
export interface GadtLearnTarget {
  fold: GadtFoldRecord;
  part: ModelPart;
  /** Group of each channel (0-based, bulk first as recovered). */
  groupOf: Int32Array;
  groups: number;
  /** The target's Linears (prepared patterns; `output`, `bias`, layout). */
  linears: LinearRecord[];
  /** Where γ and β of the transform live: node names and slots. */
  gamma: { node: string; slot: number };
  beta: { node: string; slot: number };
  /** True when the recovered group sizes equal the recorded ones. */
  exact: boolean;
}

/**
 * Recovers the channel groups of every fold. `source(part)` gives the source graph (read only for
 * LayerNorm folds).
 */
export async function recoverGadtTargets(
  model: PreparedModel,
  folds: readonly GadtFoldRecord[],
  source: (part: ModelPart) => Promise<Graph>,
): Promise<GadtLearnTarget[]> {
  const out: GadtLearnTarget[] = [];
  for (const f of folds) {
    const p = model[f.part];
    const nodes = new Map(p.model.graph.nodes.map((n) => [n.name, n]));
    const linears = f.linears.map((name) => p.patterns.linears.find((l) => l.node.name === name)!);
    let gamma: GadtLearnTarget["gamma"], beta: GadtLearnTarget["beta"], keys: string[];
    if (f.fold === "explicit") {
      gamma = { node: `samq.gadt/${f.site}/scale`, slot: 1 };
      beta = { node: `samq.gadt/${f.site}/shift`, slot: 1 };
      const g = constantAt(nodes, gamma), b = constantAt(nodes, beta);
      keys = Array.from(g, (x, c) => `${x}|${b[c]}`);
    } else {
      const ln = p.patterns.layerNorms.find((l) => l.node.name === f.layerNorm);
      if (ln?.gamma === undefined || ln.beta === undefined) throw missingGadt(f);
      gamma = { node: ln.gamma.node.name, slot: ln.gamma.slot };
      beta = { node: ln.beta.node.name, slot: ln.beta.slot };
      const src = new Map((await source(f.part)).nodes.map((n) => [n.name, n]));
      const g0 = constantAt(src, gamma),
        b0 = constantAt(src, beta),
        g1 = constantAt(nodes, gamma),
        b1 = constantAt(nodes, beta);
      const s = Array.from(g0, (x, c) => (g1[c] !== 0 ? x / g1[c]! : 1));
      const v = Array.from(b0, (x, c) => x - s[c]! * b1[c]!);
      const cluster = clusterChannels(s, v);
      keys = Array.from(cluster, String);
    }
    if (keys.length !== f.channels || linears.some((l) => l === undefined)) throw missingGadt(f);
    const ids = new Map<string, number>();
    const groupOf = Int32Array.from(keys, (k) => {
      if (!ids.has(k)) ids.set(k, ids.size);
      return ids.get(k)!;
    });
    const sizes = new Array(ids.size).fill(0);
    for (const g of groupOf) sizes[g]++;
    const exact = [...sizes].sort((a, b) => a - b).join() === [...f.groupSizes].sort((a, b) => a - b).join();
    out.push({ fold: f, part: f.part, groupOf, groups: ids.size, linears, gamma, beta, exact });
  }
  return out;
}

/**
 * Channels with the same (s, v) up to float32 round-off: sorted by s, split where consecutive s differ by
 * more than 1e-5 relative, then within each run sorted by v and split where consecutive v differ by more
 * than 1e-5 of the largest |v| (single linkage, so no rounding boundary can split a group). Returns a
 * cluster id per channel.
 */
function clusterChannels(s: readonly number[], v: readonly number[]): Int32Array {
  const C = s.length;
  const vTol = 1e-5 * Math.max(1e-12, ...v.map(Math.abs));
  const order = Array.from({ length: C }, (_, c) => c).sort((a, b) =>
    s[a]! - s[b]! || v[a]! - v[b]! || a - b
  );
  const out = new Int32Array(C);
  let id = -1;
  for (let i = 0; i < C;) {
    let j = i + 1;
    while (j < C && Math.abs(s[order[j]!]! - s[order[j - 1]!]!) <= 1e-5 * Math.abs(s[order[j - 1]!]!)) j++;
    const run = order.slice(i, j).sort((a, b) => v[a]! - v[b]! || a - b);
    let prev = NaN;
    for (const c of run) {
      if (!(Math.abs(v[c]! - prev) <= vTol)) id++;
      out[c] = id;
      prev = v[c]!;
    }
    i = j;
  }
  return out;
}

/** The float constant at input `at.slot` of node `at.node` (through Identity aliases and Constant nodes). */
export function constantAt(nodes: Map<string, Node>, at: { node: string; slot: number }): Float32Array {
  let t: Tensor | undefined = nodes.get(at.node)?.inputs[at.slot];
  // Exporters alias shared initializers through Identity nodes; Constant nodes hold the value as an attribute.
  for (let depth = 0; t !== undefined && depth < 8; depth++) {
    if (t.kind === "constant") return t.values() as Float32Array;
    const p: Node | undefined = t.producer;
    const a = p?.op === "Constant" ? p.attrs.value : undefined;
    if (a?.type === "tensor") return a.value.values() as Float32Array;
    t = p?.op === "Identity" ? p.inputs[0] : undefined;
  }
  throw new SamqError("invalid_model", `Cannot read the constant at input ${at.slot} of "${at.node}"`, {
    field: at.node,
  });
}

/** The error for a fold whose structure is not in the graph. */
export function missingGadt(f: GadtFoldRecord): SamqError {
  return new SamqError(
    "invalid_model",
    `Cannot learn GADT target "${f.site}": its folded structure is not in the graph`,
    {
      field: f.site,
    },
  );
}
