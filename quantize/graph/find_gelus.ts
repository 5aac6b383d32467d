/**
 * GELU finder, exact (Erf) form as exported by PyTorch:
 *
 *     h = Erf(Div(x, √2))  (or Mul(x, 1/√2));  y = Mul(Mul(x, Add(h, 1)), 0.5)  (Mul order either way)
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor } from "../../onnx/ir/tensor.ts";
import { otherInput, scalarValue, soleConsumer } from "./_walk.ts";
import type { GeluRecord, ScopeTagger } from "./types.ts";

/** Finds every Erf-form GELU of `graph`, in node order. */
export function findGelus(graph: Graph, tag: ScopeTagger): GeluRecord[] {
  const out: GeluRecord[] = [];
  for (const node of graph.nodes) {
    if (node.op !== "Erf") continue;
    const pre = node.inputs[0]?.producer;
    const c = pre && (pre.op === "Div" || pre.op === "Mul") ? scalarValue(pre.inputs[1]) : undefined;
    if (pre === undefined || c === undefined) continue;
    const ok = pre.op === "Div" ? Math.abs(c - Math.SQRT2) < 1e-5 : Math.abs(c - Math.SQRT1_2) < 1e-5;
    if (!ok) continue;
    const x = pre.inputs[0]!;
    const add = soleConsumer(node.outputs[0]!, graph.outputs);
    if (add?.op !== "Add" || scalarValue(otherInput(add, node.outputs[0]!)) !== 1) continue;
    out.push({ node, input: x, output: closeGelu(graph, add, x), scope: tag(node) });
  }
  return out;
}

/** Follows the two Muls (by x and by 0.5, in either order) after `add`; stops where the pattern ends. */
function closeGelu(graph: Graph, add: Node, x: Tensor): GeluRecord["output"] {
  let out = add.outputs[0]!;
  let seenX = false;
  let seenHalf = false;
  for (let i = 0; i < 2; i++) {
    const m = soleConsumer(out, graph.outputs);
    if (m?.op !== "Mul") break;
    const other = otherInput(m, out);
    if (!seenX && other === x) seenX = true;
    else if (!seenHalf && scalarValue(other) === 0.5) seenHalf = true;
    else break;
    out = m.outputs[0]!;
  }
  return out;
}
