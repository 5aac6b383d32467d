/**
 * Internal: an emitted activation quantizer located by the naming contract only (`samq.q/<id>/<step>`
 * nodes, output `samq.q/<id>`), so that learned methods do not depend on the emitter's op sequence.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { QUANT_PREFIX, quantizerTensorName } from "../insert/_names.ts";

/** The nodes of quantizer `id`, the tensor it reads and its output. */
export interface EmittedChain {
  nodes: Node[];
  input: Tensor;
  output: Variable;
}

/** Finds the chain of activation quantizer `id` in `graph`, or undefined. */
export function findEmittedChain(graph: Graph, id: string): EmittedChain | undefined {
  const prefix = `${QUANT_PREFIX}${id}/`;
  const nodes = graph.nodes.filter((n) => n.name.startsWith(prefix));
  const produced = new Set<Tensor>(nodes.flatMap((n) => n.outputs));
  const outName = quantizerTensorName(id);
  const output = nodes.flatMap((n) => n.outputs).find((t) => t.name === outName);
  const external = [...new Set(nodes.flatMap((n) => n.inputs))].filter((t) =>
    t.kind === "variable" && !t.isEmpty && !produced.has(t)
  );
  if (output === undefined || external.length !== 1) return undefined;
  return { nodes, input: external[0]!, output };
}
