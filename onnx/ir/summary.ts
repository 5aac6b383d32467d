/**
 * A printable overview of a graph.
 *
 * @module
 */
import type { Graph } from "./graph.ts";
import type { Dim } from "./tensor.ts";

/** One graph input or output. */
export interface TensorSummary {
  name: string;
  dtype: string | undefined;
  shape: Dim[] | undefined;
}

/** What {@link summarizeGraph} returns. */
export interface GraphSummary {
  name: string;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  nodeCount: number;
  initializerCount: number;
  /** Elements in all initializers (every dtype; Constant-node values not included). */
  parameterCount: number;
  /** Operator type → node count, ops sorted by descending count then name. */
  opCensus: Record<string, number>;
  opset: Record<string, number>;
}

/** Inputs/outputs with dtypes and shapes, initializer and parameter counts, and the op census. */
export function summarizeGraph(graph: Graph): GraphSummary {
  const inits = graph.initializers();
  const census = new Map<string, number>();
  for (const n of graph.nodes) {
    const key = n.domain === "" || n.domain === "ai.onnx" ? n.op : `${n.domain}.${n.op}`;
    census.set(key, (census.get(key) ?? 0) + 1);
  }
  const sorted = [...census].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    name: graph.name,
    inputs: graph.inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
    outputs: graph.outputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
    nodeCount: graph.nodes.length,
    initializerCount: inits.length,
    parameterCount: inits.reduce((s, c) => s + c.size, 0),
    opCensus: Object.fromEntries(sorted),
    opset: { ...graph.opset },
  };
}
