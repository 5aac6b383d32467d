/**
 * PQ-SAM's learned GADT, part 2: the training-graph plugin (see `recover_gadt_targets.ts` for the
 * method). Per target, one learned scale a_g and shift c_g per OHC group (a = 1, c = 0 at the start):
 * the target's activation quantizer reads (x̃ − c_{g(c)})/a_{g(c)}; each of its Linears quantizes
 * diag(a)·W' (rows = input channels; columns for Gemm with transB) with its learned step and adds
 * α·(c·W') to its output, so the float function is unchanged for any a > 0 and c.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import { Constant, type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { ModelPart } from "../graph/types.ts";
import { learnParamName } from "./_names.ts";
import { opBuilder } from "./_ops.ts";
import type { TrainablePlugin } from "./end_to_end.ts";
import { type GadtLearnTarget, missingGadt } from "./recover_gadt_targets.ts";
import type { TrainableGraph } from "./trainable_graph.ts";

/** The training-graph plugin for `targets` (float weights W' come from `floatGraphs`). */
export function gadtPlugin(
  targets: readonly GadtLearnTarget[],
  floatGraphs: Partial<Record<ModelPart, Graph>>,
): TrainablePlugin {
  interface Live {
    a: Variable;
    c: Variable;
    aCh: Tensor;
    cCh: Tensor;
  }
  const live = new Map<GadtLearnTarget, Live>();
  const ensure = (g: Graph, t: GadtLearnTarget): Live => {
    let l = live.get(t);
    if (l !== undefined) return l;
    const a = new Variable(learnParamName(t.fold.site, "gadt_scale"), "float32", [t.groups]);
    const c = new Variable(learnParamName(t.fold.site, "gadt_shift"), "float32", [t.groups]);
    g.inputs.push(a, c);
    const b = opBuilder(g, `gadt/${t.fold.site}`);
    const idx = b.int64("group_of", Array.from(t.groupOf), [t.groupOf.length]);
    const aCh = b.op("scale_ch", "Gather", [a, idx]), cCh = b.op("shift_ch", "Gather", [c, idx]);
    aCh.shape = [t.groupOf.length];
    cCh.shape = [t.groupOf.length];
    l = { a, c, aCh, cCh };
    live.set(t, l);
    return l;
  };
  const bySite = (part: ModelPart, id: string) => targets.find((t) => t.part === part && t.fold.site === id);
  const byLinear = (part: ModelPart, name: string) =>
    targets.find((t) => t.part === part && t.fold.linears.includes(name));
  return {
    hooks: (part) => ({
      transformActivation(g, r, x) {
        const t = bySite(part, r.id);
        if (t === undefined) return x;
        const l = ensure(g, t);
        const b = opBuilder(g, `gadt/${t.fold.site}`);
        const y = b.op("apply", "Div", [b.op("center", "Sub", [x, l.cCh]), l.aCh]);
        if (x.shape !== undefined) y.shape = [...x.shape];
        return y;
      },
      transformWeight(g, r, w) {
        const t = byLinear(part, r.consumers[0] ?? "");
        if (t === undefined) return w;
        const lin = t.linears.find((l) => l.node.name === r.consumers[0])!;
        const l = ensure(g, t);
        const b = opBuilder(g, `gadt/${t.fold.site}/${r.id}`);
        const shape = lin.layout === "in-out" ? [t.groupOf.length, 1] : [1, t.groupOf.length];
        const y = b.op("scale_rows", "Mul", [w, b.op("col", "Reshape", [l.aCh, b.int64("shape", shape)])]);
        y.shape = [...(w.shape as number[])];
        return y;
      },
    }),
    after(part: ModelPart, tg: TrainableGraph) {
      for (const t of targets.filter((x) => x.part === part)) {
        const l = live.get(t);
        if (l === undefined) continue;
        tg.params.push(
          {
            name: l.a.name,
            id: t.fold.site,
            role: "gadt_scale",
            init: { data: new Float32Array(t.groups).fill(1), dims: [t.groups] },
          },
          {
            name: l.c.name,
            id: t.fold.site,
            role: "gadt_shift",
            init: { data: new Float32Array(t.groups), dims: [t.groups] },
          },
        );
        addBiasDeltas(tg.graph, t, l.cCh, floatGraphs[part]!);
      }
      tg.graph.toposort();
    },
  };
}

/** Adds α·(c·W') to each Linear's output (the shift's exact compensation during training). */
function addBiasDeltas(g: Graph, t: GadtLearnTarget, cCh: Tensor, F: Graph): void {
  const fnodes = new Map(F.nodes.map((n) => [n.name, n]));
  const tensors = g.tensors();
  const C = t.groupOf.length;
  for (const lin of t.linears) {
    const w = fnodes.get(lin.node.name)?.inputs[1];
    const y = tensors.get(lin.output.name);
    if (w === undefined || w.kind !== "constant" || y === undefined || y.kind !== "variable") {
      throw missingGadt(t.fold);
    }
    const b = opBuilder(g, `gadt/${t.fold.site}/${lin.node.name}`);
    const wc = Constant.of(g.uniqueName(`${lin.node.name}/samq_gadt_w`), w.values() as Float32Array, [
      ...w.dims,
    ], "float32");
    const out = lin.dims.out;
    let d = lin.layout === "in-out"
      ? b.op("shift_mm", "MatMul", [b.op("shift_row", "Reshape", [cCh, b.int64("row", [1, C])]), wc])
      : b.op("shift_mm", "MatMul", [wc, b.op("shift_col", "Reshape", [cCh, b.int64("col", [C, 1])])]);
    d = b.op("shift_flat", "Reshape", [d, b.int64("flat", [out])]);
    d.shape = [out];
    const alpha = lin.gemm?.alpha ?? 1;
    if (alpha !== 1) d = b.op("alpha", "Mul", [d, b.constant("alpha_value", [alpha], [])]);
    const readers = [...y.consumers];
    const sum = b.op("bias_delta", "Add", [y, d]);
    if (y.shape !== undefined) sum.shape = [...y.shape];
    for (const n of readers) n.inputs.forEach((u, i) => u === y && n.setInput(i, sum));
    g.outputs = g.outputs.map((o) => (o === y ? sum : o));
  }
}
