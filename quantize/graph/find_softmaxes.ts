/**
 * Softmax finder.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import { intAttr } from "./_walk.ts";
import type { ScopeTagger, SoftmaxRecord } from "./types.ts";

/** Finds every Softmax of `graph` whose input is a variable, in node order. */
export function findSoftmaxes(graph: Graph, tag: ScopeTagger): SoftmaxRecord[] {
  const out: SoftmaxRecord[] = [];
  for (const node of graph.nodes) {
    const x = node.inputs[0];
    if (node.op !== "Softmax" || x?.kind !== "variable") continue;
    const opset = graph.opset[""] ?? 17;
    out.push({
      node,
      input: x,
      output: node.outputs[0]!,
      axis: intAttr(node, "axis", opset >= 13 ? -1 : 1),
      scope: tag(node),
    });
  }
  return out;
}
