/**
 * The emitter that gradient rules write through: one {@link GradContext} per gradient graph. It knows the
 * graph's opset (so that ops whose signature changed between opsets, `ReduceSum`, `Slice`, `Pad`, are
 * emitted in the form the forward graph's opset expects), the static shapes and dtypes of forward tensors,
 * and the build-time values of small integer inputs (pads, axes, indices).
 *
 * Every helper takes static shapes and returns a new {@link Variable} annotated with its dtype and, where
 * the helper knows it, its shape (a wrong annotation makes ONNX Runtime reject the graph, which is how a
 * rule bug shows up early). Squeeze/Unsqueeze/Flatten are always emitted as `Reshape` to a constant
 * shape, which works in every opset.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Attributes } from "../ir/attribute.ts";
import { attr } from "../ir/attribute.ts";
import { type DataType, dataTypeCode } from "../ir/dtype.ts";
import { floatValues } from "./_float_values.ts";
import { broadcastShapes, normalizeSlice } from "./_shapes.ts";
import type { Graph } from "../ir/graph.ts";
import type { Node } from "../ir/node.ts";
import type { Constant, Tensor, Variable } from "../ir/tensor.ts";

/** Float dtypes that gradients can flow through. */
export const GRAD_DTYPES: readonly DataType[] = ["float32", "float64", "float16", "bfloat16"];

/** Emits backward nodes into a gradient graph; see the module doc. */
export class GradContext {
  /** The gradient graph under construction. */
  readonly graph: Graph;
  /** Default-domain opset version of the graph. */
  readonly opset: number;
  /** The forward node whose rule is running (names emitted nodes; set by the builder). */
  node: Node | undefined;
  readonly #values: Map<Tensor, number[]>;

  constructor(graph: Graph, values: Map<Tensor, number[]> = new Map()) {
    this.graph = graph;
    this.opset = graph.opset[""] ?? graph.opset["ai.onnx"] ?? 17;
    this.#values = values;
  }

  // ---- facts about forward tensors ----

  /** Static shape of `t`; throws (naming the tensor and node) when unknown. */
  shape(t: Tensor): number[] {
    if (t.kind === "constant") return [...t.dims];
    if (t.shape === undefined || !t.shape.every((d) => typeof d === "number")) {
      throw this.error(`tensor "${t.name}" has no static shape (run fixInputShapes or pass feeds)`, t.name);
    }
    return [...(t.shape as number[])];
  }

  /** Rank of `t`. */
  rank(t: Tensor): number {
    return this.shape(t).length;
  }

  /** Element type of `t`; throws when unknown. */
  dtype(t: Tensor): DataType {
    if (t.dtype === undefined) throw this.error(`tensor "${t.name}" has no known dtype`, t.name);
    return t.dtype;
  }

  /**
   * Build-time values of a small integer (or float) tensor: a constant, or a shape-derived variable that
   * the builder evaluated (see the rule's `staticInputs`). Int64 values become JS numbers.
   */
  values(t: Tensor): number[] {
    if (t.kind === "constant") return Array.from(t.values() as ArrayLike<number | bigint>, Number);
    const v = this.#values.get(t);
    if (v === undefined) throw this.error(`the value of "${t.name}" is not known when building`, t.name);
    return v;
  }

  /** An error naming the current node (`invalid_model`, field = tensor or node name). */
  error(message: string, field?: string): SamqError {
    const where = this.node ? `${this.node.op} node "${this.node.name}"` : "the graph";
    return new SamqError("invalid_model", `Cannot differentiate ${where}: ${message}`, {
      field: field ?? this.node?.name ?? "",
    });
  }

  // ---- emitting ----

  /** Adds one node and returns its (single) output annotated with `dtype` and `shape`. */
  op(
    op: string,
    inputs: (Tensor | undefined)[],
    attrs: Attributes,
    dtype: DataType | undefined,
    shape?: number[],
  ): Variable {
    const base = `grad/${this.node?.name || this.node?.op || "seed"}/${op}`;
    const n = this.graph.addNode(op, inputs, attrs, { name: base });
    const out = n.outputs[0]!;
    out.dtype = dtype;
    out.shape = shape;
    return out;
  }

  /** A float constant of `dtype` (scalar unless `dims` is given). */
  constant(values: number[] | Float64Array, dtype: DataType, dims: number[] = []): Constant {
    return this.graph.addConstant("grad/const", floatValues(values, dtype), dims, dtype);
  }

  /** A scalar float constant of `dtype`. */
  scalar(value: number, dtype: DataType): Constant {
    return this.constant([value], dtype, []);
  }

  /** A 1-D int64 constant. */
  ints(values: readonly number[]): Constant {
    return this.graph.addConstant("grad/ints", BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  /** Binary elementwise op with broadcasting; result dtype is `a`'s. */
  binary(op: "Add" | "Sub" | "Mul" | "Div" | "Pow", a: Tensor, b: Tensor): Variable {
    return this.op(op, [a, b], {}, this.dtype(a), broadcastShapes(this.shape(a), this.shape(b)));
  }

  add(a: Tensor, b: Tensor): Variable {
    return this.binary("Add", a, b);
  }
  sub(a: Tensor, b: Tensor): Variable {
    return this.binary("Sub", a, b);
  }
  mul(a: Tensor, b: Tensor): Variable {
    return this.binary("Mul", a, b);
  }
  div(a: Tensor, b: Tensor): Variable {
    return this.binary("Div", a, b);
  }

  /** `a · c` for a float scalar `c` (returns `a` itself when c = 1). */
  scale(a: Tensor, c: number): Tensor {
    return c === 1 ? a : this.mul(a, this.scalar(c, this.dtype(a)));
  }

  /** Unary elementwise op (same dtype and shape as `x`). */
  unary(op: string, x: Tensor, attrs: Attributes = {}): Variable {
    return this.op(op, [x], attrs, this.dtype(x), this.shape(x));
  }

  /** `x` reshaped to `dims` (no node when the shape already matches). */
  reshape(x: Tensor, dims: readonly number[]): Tensor {
    if (sameDims(this.shape(x), dims)) return x;
    return this.op("Reshape", [x, this.ints(dims)], {}, this.dtype(x), [...dims]);
  }

  /** `x` transposed by `perm` (no node for the identity permutation). */
  transpose(x: Tensor, perm: readonly number[]): Tensor {
    if (perm.every((p, i) => p === i)) return x;
    const s = this.shape(x);
    return this.op("Transpose", [x], { perm: attr.ints([...perm]) }, this.dtype(x), perm.map((p) => s[p]!));
  }

  /** Sum of `x` over `axes` (non-negative), keeping them as size 1 when `keepdims`. */
  reduceSum(x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
    const s = this.shape(x);
    if (axes.length === 0) return x;
    const kept = s.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = keepdims ? kept : s.filter((_, i) => !axes.includes(i));
    if (axes.every((a) => s[a] === 1)) return this.reshape(x, out);
    const k = attr.int(keepdims ? 1 : 0);
    if (this.opset >= 13) {
      return this.op("ReduceSum", [x, this.ints(axes)], { keepdims: k }, this.dtype(x), out);
    }
    return this.op("ReduceSum", [x], { axes: attr.ints([...axes]), keepdims: k }, this.dtype(x), out);
  }

  /** `x` broadcast to `dims` by `Expand`. */
  expand(x: Tensor, dims: readonly number[]): Tensor {
    if (sameDims(this.shape(x), dims)) return x;
    return this.op("Expand", [x, this.ints(dims)], {}, this.dtype(x), [...dims]);
  }

  /** Zeros of `dims` and `dtype` (an `Expand` of a scalar, so no large initializer). */
  zeros(dims: readonly number[], dtype: DataType): Tensor {
    return this.op("Expand", [this.scalar(0, dtype), this.ints(dims)], {}, dtype, [...dims]);
  }

  /** Per-axis ONNX Slice (`ends` exclusive; steps default to 1). */
  slice(x: Tensor, starts: number[], ends: number[], axes: number[], steps?: number[]): Tensor {
    const s = this.shape(x);
    const out = [...s];
    axes.forEach((a, i) => {
      out[a] = normalizeSlice(s[a]!, starts[i]!, ends[i]!, steps?.[i] ?? 1).count;
    });
    if (sameDims(out, s) && (steps ?? []).every((v) => v === 1)) return x;
    if (this.opset >= 10) {
      const ins: Tensor[] = [x, this.ints(starts), this.ints(ends), this.ints(axes)];
      if (steps !== undefined) ins.push(this.ints(steps));
      return this.op("Slice", ins, {}, this.dtype(x), out);
    }
    if (steps !== undefined && steps.some((v) => v !== 1)) {
      throw this.error(`strided slices need opset 10 or later (graph has ${this.opset})`);
    }
    const attrs = { starts: attr.ints(starts), ends: attr.ints(ends), axes: attr.ints(axes) };
    return this.op("Slice", [x], attrs, this.dtype(x), out);
  }

  /** Zero padding: `pads` = [begin_0, …, begin_{r−1}, end_0, …, end_{r−1}], all ≥ 0. */
  pad(x: Tensor, pads: readonly number[]): Tensor {
    if (pads.every((p) => p === 0)) return x;
    const s = this.shape(x);
    const r = s.length;
    const out = s.map((d, i) => d + pads[i]! + pads[i + r]!);
    if (this.opset >= 11) return this.op("Pad", [x, this.ints(pads)], {}, this.dtype(x), out);
    return this.op("Pad", [x], { pads: attr.ints([...pads]) }, this.dtype(x), out);
  }

  /** Concatenation along `axis` (non-negative). */
  concat(xs: Tensor[], axis: number): Tensor {
    if (xs.length === 1) return xs[0]!;
    const out = this.shape(xs[0]!);
    out[axis] = xs.reduce((a, t) => a + this.shape(t)[axis]!, 0);
    return this.op("Concat", xs, { axis: attr.int(axis) }, this.dtype(xs[0]!), out);
  }

  /** Elementwise sum of tensors of one shape (a `Sum` node when there are several). */
  sum(xs: Tensor[]): Tensor {
    if (xs.length === 1) return xs[0]!;
    return this.op("Sum", xs, {}, this.dtype(xs[0]!), this.shape(xs[0]!));
  }

  /** `cond ? a : b` with broadcasting (dtype of `a`). */
  where(cond: Tensor, a: Tensor, b: Tensor): Variable {
    const shape = broadcastShapes(broadcastShapes(this.shape(cond), this.shape(a)), this.shape(b));
    return this.op("Where", [cond, a, b], {}, this.dtype(a), shape);
  }

  /** Boolean comparison (`Less`, `Greater`, `Equal`) with broadcasting. */
  compare(op: "Less" | "Greater" | "Equal", a: Tensor, b: Tensor): Variable {
    return this.op(op, [a, b], {}, "bool", broadcastShapes(this.shape(a), this.shape(b)));
  }

  /** Boolean not. */
  not(x: Tensor): Variable {
    return this.op("Not", [x], {}, "bool", this.shape(x));
  }

  /** `x` cast to `dtype` (no node when it already has that dtype). */
  cast(x: Tensor, dtype: DataType): Tensor {
    if (this.dtype(x) === dtype) return x;
    return this.op("Cast", [x], { to: attr.int(dataTypeCode(dtype)) }, dtype, this.shape(x));
  }

  /**
   * Reduces a gradient of shape `from` to the shape `to` of an operand that was broadcast to `from`:
   * sums the leading extra axes and the axes where the operand had size 1, then reshapes.
   */
  unbroadcast(g: Tensor, to: readonly number[]): Tensor {
    const from = this.shape(g);
    if (sameDims(from, to)) return g;
    const lead = from.length - to.length;
    const axes: number[] = [];
    for (let i = 0; i < from.length; i++) {
      if (i < lead || (to[i - lead] === 1 && from[i] !== 1)) axes.push(i);
    }
    return this.reshape(this.reduceSum(g, axes, true), to);
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
