/**
 * Constant folding for shape computations.
 *
 * @module
 */
import type { Graph } from "../ir/graph.ts";
import { Constant, type Tensor } from "../ir/tensor.ts";
import { EVALUATORS } from "./_fold_ops.ts";
import { constantOf, FOLDABLE, type Val, valOf } from "./_fold_values.ts";

/** Options of {@link foldConstants}. */
export interface FoldConstantsOptions {
  /**
   * Results with more elements than this stay unfolded (keeps `ConstantOfShape`/`Expand` of activation
   * size from turning into large initializers).
   * @default 65536
   */
  maxElements?: number;
  /**
   * Turn `Constant` nodes into initializers (their tensor becomes the output's constant).
   * @default true
   */
  constantNodes?: boolean;
}

/** What {@link foldConstants} did. */
export interface FoldConstantsReport {
  /** Nodes replaced by constants. */
  folded: number;
  /** Nodes left in the graph afterwards. */
  nodesAfter: number;
  /** Ops that had all-constant inputs but no evaluator (op → count). */
  unsupported: Record<string, number>;
}

/**
 * Replaces nodes whose inputs are all constants by their results: `Constant` nodes, `Shape`/`Size` of
 * variables with a fully static shape (set by `fixInputShapes` and `inferShapes`), and the small-int
 * arithmetic of {@link EVALUATORS}. Nodes producing graph outputs are kept.
 *
 * Preconditions: the graph is topologically sorted. Runs `cleanup()` at the end, which drops the folded
 * nodes.
 */
export function foldConstants(graph: Graph, options: FoldConstantsOptions = {}): FoldConstantsReport {
  const maxElements = options.maxElements ?? 65536;
  const keep = new Set<Tensor>(graph.outputs);
  const unsupported: Record<string, number> = {};
  let folded = 0;
  for (const node of graph.nodes) {
    if (node.domain !== "" && node.domain !== "ai.onnx") continue;
    if (node.outputs.some((t) => keep.has(t))) continue;
    let results: Constant[] | undefined;
    if (node.op === "Constant") {
      if (!(options.constantNodes ?? true)) continue;
      const a = node.attrs.value;
      if (a?.type !== "tensor") continue; // value_float/value_ints forms are rare; left as nodes
      const c = new Constant(node.outputs[0]!.name, a.value.dtype, a.value.dims, a.value.peekValues());
      results = [c];
    } else if (node.op === "Shape" || node.op === "Size") {
      const x = node.inputs[0]!;
      const shape = x.shape;
      if (shape === undefined || !shape.every((d) => typeof d === "number")) continue;
      const dims = shape as number[];
      if (node.op === "Size") {
        results = [
          Constant.of(node.outputs[0]!.name, BigInt64Array.of(BigInt(dims.reduce((a, b) => a * b, 1))), []),
        ];
      } else {
        const rank = dims.length;
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
        const start = clamp(attrNum(node, "start", 0));
        const end = clamp(attrNum(node, "end", rank));
        const sel = dims.slice(start, Math.max(start, end));
        results = [Constant.of(node.outputs[0]!.name, BigInt64Array.from(sel, BigInt), [sel.length])];
      }
    } else {
      if (node.inputs.length === 0 || !node.inputs.every((t) => t.kind === "constant" || t.name === "")) {
        continue;
      }
      const evaluate = EVALUATORS[node.op];
      if (evaluate === undefined) {
        unsupported[node.op] = (unsupported[node.op] ?? 0) + 1;
        continue;
      }
      const vals = node.inputs.map((t) => (t.kind === "constant" ? valOf(t) : undefined));
      if (
        node.inputs.some((t, i) => t.kind === "constant" && (vals[i] === undefined || !FOLDABLE.has(t.dtype)))
      ) {
        continue;
      }
      if (vals.some((v) => v !== undefined && v.data.length > maxElements)) continue;
      let outs: Val[];
      try {
        outs = evaluate(node, vals);
      } catch {
        // An op the host evaluator cannot do (bad broadcast, index out of range): leave it to the runtime.
        unsupported[node.op] = (unsupported[node.op] ?? 0) + 1;
        continue;
      }
      if (outs.some((v) => v.data.length > maxElements)) continue;
      results = outs.map((v, i) => constantOf(node.outputs[i]!.name, v));
    }
    node.outputs.forEach((v, i) => {
      if (results![i] !== undefined) graph.replaceAllUses(v, results![i]!, { outputs: false });
    });
    folded++;
  }
  graph.cleanup();
  return { folded, nodesAfter: graph.nodes.length, unsupported };
}

function attrNum(
  node: { attrs: Record<string, { type: string; value: unknown }> },
  name: string,
  fallback: number,
) {
  const a = node.attrs[name];
  return a !== undefined && a.type === "int" ? (a.value as number) : fallback;
}
