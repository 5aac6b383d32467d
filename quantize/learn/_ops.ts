/**
 * Internal: a tiny builder of float32 node chains for training graphs (names under `samq.learn.op/`).
 *
 * @module
 */
import type { Attributes } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant, Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { DataType } from "../../onnx/ir/dtype.ts";
import { LEARN_OP_PREFIX } from "./_names.ts";

/** Adds nodes named `samq.learn.op/<scope>/<step>`; each returns its (first) output. */
export interface OpBuilder {
  op(
    step: string,
    type: string,
    inputs: (Tensor | undefined)[],
    attrs?: Attributes,
    dtype?: DataType,
  ): Variable;
  /** A float32 constant named `samq.learn.op/<scope>/<step>`. */
  constant(step: string, values: ArrayLike<number>, dims?: number[]): Constant;
  /** An int64 constant. */
  int64(step: string, values: readonly number[], dims?: number[]): Constant;
  /** The last node added. */
  readonly last: Node | undefined;
}

/** A builder for `scope` in `graph`; nodes are appended (call `graph.toposort()` when done). */
export function opBuilder(graph: Graph, scope: string): OpBuilder {
  let last: Node | undefined;
  const name = (step: string) => `${LEARN_OP_PREFIX}${scope}/${step}`;
  return {
    op(step, type, inputs, attrs = {}, dtype = "float32") {
      const n = graph.addNode(type, inputs, attrs, { name: name(step), outputs: [`${name(step)}_out`] });
      last = n;
      const y = n.outputs[0]!;
      y.dtype = dtype;
      return y;
    },
    constant: (step, values, dims) =>
      graph.addConstant(name(step), Float32Array.from(values), dims ?? [values.length]),
    int64: (step, values, dims) =>
      graph.addConstant(
        name(step),
        BigInt64Array.from(values.map((v) => BigInt(v))),
        dims ?? [values.length],
        "int64",
      ),
    get last() {
      return last;
    },
  };
}
