/**
 * An in-graph reduction for the audit: the number of elements of a tapped quantizer output x̂ that are
 * NOT fixed points of the recorded quantizer, Q(x̂) ≠ x̂ (bitwise, NaN included), over the whole tensor
 * (int64 [1]). The activation is never copied out of ONNX Runtime.
 *
 * Why a fixed-point test proves "on the grid with ≤ 2^b values": Q's outputs are exactly the grid values
 * (2^b of them, plus 0 for the log quantizer), and Q maps every grid value to itself (uniform: x̂/Δ is
 * within an ulp of its integer code, far from a rounding boundary; log: the code of a level is within
 * float32 error of its integer, and the level table returns the very same float; HLUQ: likewise, each
 * branch maps a level back to its own table index). So a zero count means
 * every element is one of at most 2^b (2^b + 1) grid values of the *recorded* parameters: a bypassed or
 * dropped quantizer, or one emitted with other parameters than recorded, leaves non-fixed points.
 *
 * Q is emitted with the same emitters as the model's quantizers (`insert/`), so the check costs the
 * quantizer once more plus Equal/Not/Cast/ReduceSum.
 *
 * @module
 */
import { attr } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { CustomReduction } from "../calibrate/run_sam_forward.ts";
import { emitHluqQuantizer } from "../insert/emit_hluq_quantizer.ts";
import { emitLogQuantizer } from "../insert/emit_log_quantizer.ts";
import { emitUniformQuantizer } from "../insert/emit_uniform_quantizer.ts";
import type { QuantizerParams } from "../quantizers/quantizer_params.ts";

/** The reduction for per-tensor `params` (a per-channel uniform quantizer needs `rank`). */
export function offGridReduction(params: QuantizerParams, rank?: number): CustomReduction {
  return (graph: Graph, x: Tensor, id: string): Tensor => {
    const name = (s: string) => `samq.tap/${id}/${s}`;
    const node = (op: string, step: string, inputs: Tensor[], attrs = {}): Variable =>
      graph.addNode(op, inputs, attrs, { name: name(step), outputs: [name(step)] }).outputs[0]!;
    const opts = { id: `audit/${id}`, consumers: [] };
    const again = params.kind === "log"
      ? emitLogQuantizer(graph, x, params, opts)
      : params.kind === "hluq"
      ? emitHluqQuantizer(graph, x, params, opts)
      : emitUniformQuantizer(graph, x, params, rank === undefined ? opts : { ...opts, rank });
    const moved = node("Not", "moved", [node("Equal", "fixed", [again, x])]);
    const flat = node("Reshape", "flat", [
      node("Cast", "count_i64", [moved], { to: attr.int(7) }),
      graph.addConstant(name("flat_shape"), BigInt64Array.of(-1n), [1]),
    ]);
    return node("ReduceSum", "off_grid", [flat], { keepdims: attr.int(1) });
  };
}
