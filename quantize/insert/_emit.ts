/**
 * Internal helpers of the emitters: node chains with samq.q names, consumer rewiring, opset checks.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Attributes } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { quantizerStepName } from "./_names.ts";

/** Adds node `op` (name `samq.q/<id>/<step>`) and returns its output; nodes follow `after` in order. */
export type ChainFn = (
  step: string,
  inputs: Tensor[],
  op?: string,
  outputName?: string,
  attrs?: Attributes,
) => Variable;

/** A chain builder for quantizer `id`, inserting nodes after `after` (or at the end). */
export function chainNode(graph: Graph, id: string, after: Node | undefined): ChainFn {
  let last = after;
  return (step, inputs, op = step, outputName, attrs = {}) => {
    const name = quantizerStepName(id, step);
    const node = graph.addNode(op, inputs, attrs, {
      name,
      outputs: [outputName ?? `${name}_out`],
      ...(last === undefined ? {} : { after: last }),
    });
    last = node;
    const out = node.outputs[0]!;
    out.dtype = "float32";
    return out;
  };
}

/** Makes each of `consumers` read `to` wherever it read `from`. */
export function rewire(consumers: readonly Node[], from: Tensor, to: Tensor): void {
  for (const node of consumers) {
    node.inputs.forEach((t, i) => {
      if (t === from) node.setInput(i, to);
    });
  }
}

/** Throws `incompatible` when the default-domain opset is below `min`. */
export function requireOpset(graph: Graph, min: number): void {
  const v = graph.opset[""] ?? graph.opset["ai.onnx"] ?? 0;
  if (v < min) {
    throw new SamqError(
      "incompatible",
      `Cannot emit fake quantizers into an opset-${v} graph: opset ${min} or later is needed (Clip bounds as inputs)`,
      { field: "opset" },
    );
  }
}
