/**
 * Host evaluators of the ops that shape computations use, for constant folding (ONNX semantics up to
 * opset 21 for the attributes/inputs each op reads).
 *
 * @module
 */
import { attrInt, attrInts } from "../ir/attribute.ts";
import { DATA_TYPES, type DataType } from "../ir/dtype.ts";
import type { Node } from "../ir/node.ts";
import { broadcastDims, broadcastMap, castNumber, count, strides, type Val, valOf } from "./_fold_values.ts";

/** An evaluator: inputs (`undefined` for omitted optional ones) → outputs. */
export type Evaluator = (node: Node, inputs: (Val | undefined)[]) => Val[];

const isInt = (d: DataType) => d !== "float32" && d !== "float64";

function binary(f: (a: number, b: number, dtype: DataType) => number, bool = false): Evaluator {
  return (_n, [a, b]) => [broadcastMap([a!, b!], bool ? "bool" : a!.dtype, ([x, y]) => f(x!, y!, a!.dtype))];
}

function unary(f: (a: number) => number): Evaluator {
  return (
    _n,
    [a],
  ) => [{ dtype: a!.dtype, dims: a!.dims, data: a!.data.map((x) => castNumber(f(x), a!.dtype)) }];
}

function axesOf(node: Node, input: Val | undefined): number[] | undefined {
  return input ? input.data : attrInts(node.attrs, "axes");
}

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Gathers along one axis with (possibly negative) indices. */
function gather(node: Node, [data, idx]: (Val | undefined)[]): Val[] {
  const d = data!, ix = idx!;
  const axis = norm(attrInt(node.attrs, "axis", 0), d.dims.length);
  const outer = count(d.dims.slice(0, axis));
  const inner = count(d.dims.slice(axis + 1));
  const n = d.dims[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of ix.data) {
      const i = raw < 0 ? raw + n : raw;
      if (i < 0 || i >= n) throw new Error(`Gather index ${raw} out of range`);
      for (let k = 0; k < inner; k++) out.push(d.data[(o * n + i) * inner + k]!);
    }
  }
  return [{
    dtype: d.dtype,
    dims: [...d.dims.slice(0, axis), ...ix.dims, ...d.dims.slice(axis + 1)],
    data: out,
  }];
}

function slice(node: Node, ins: (Val | undefined)[]): Val[] {
  const d = ins[0]!;
  const rank = d.dims.length;
  const starts = ins[1]?.data ?? attrInts(node.attrs, "starts")!;
  const ends = ins[2]?.data ?? attrInts(node.attrs, "ends")!;
  const axes = (ins[3]?.data ?? attrInts(node.attrs, "axes") ?? starts.map((_, i) => i)).map((a) =>
    norm(a, rank)
  );
  const steps = ins[4]?.data ?? starts.map(() => 1);
  const lo = d.dims.map(() => 0), st = d.dims.map(() => 1), len = [...d.dims];
  axes.forEach((ax, i) => {
    const dim = d.dims[ax]!, step = steps[i]!;
    let s = starts[i]!, e = ends[i]!;
    s = s < 0 ? s + dim : s;
    e = e < 0 ? e + dim : e;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
      len[ax] = Math.max(0, Math.ceil((e - s) / step));
    } else {
      s = Math.min(Math.max(s, -1), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      len[ax] = Math.max(0, Math.ceil((e - s) / step));
    }
    lo[ax] = s;
    st[ax] = step;
  });
  const inS = strides(d.dims), outS = strides(len);
  const out = new Array<number>(count(len));
  for (let i = 0; i < out.length; i++) {
    let off = 0, rem = i;
    for (let k = 0; k < rank; k++) {
      const q = Math.floor(rem / outS[k]!);
      rem -= q * outS[k]!;
      off += (lo[k]! + q * st[k]!) * inS[k]!;
    }
    out[i] = d.data[off]!;
  }
  return [{ dtype: d.dtype, dims: len, data: out }];
}

function concat(node: Node, ins: (Val | undefined)[]): Val[] {
  const vals = ins.filter((v): v is Val => v !== undefined);
  const rank = vals[0]!.dims.length;
  const axis = norm(attrInt(node.attrs, "axis", 0), rank);
  const outer = count(vals[0]!.dims.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const v of vals) {
      const chunk = count(v.dims.slice(axis));
      for (let k = 0; k < chunk; k++) out.push(v.data[o * chunk + k]!);
    }
  }
  const dims = [...vals[0]!.dims];
  dims[axis] = vals.reduce((s, v) => s + v.dims[axis]!, 0);
  return [{ dtype: vals[0]!.dtype, dims, data: out }];
}

function reshape(node: Node, [d, s]: (Val | undefined)[]): Val[] {
  const allowZero = attrInt(node.attrs, "allowzero", 0) === 1;
  const dims = s!.data.map((x, i) => x === 0 && !allowZero ? d!.dims[i]! : x);
  const known = dims.reduce((a, x) => x === -1 ? a : a * x, 1);
  return [{ dtype: d!.dtype, dims: dims.map((x) => x === -1 ? d!.data.length / known : x), data: d!.data }];
}

function transpose(node: Node, [d]: (Val | undefined)[]): Val[] {
  const v = d!;
  const perm = attrInts(node.attrs, "perm") ?? v.dims.map((_, i) => v.dims.length - 1 - i);
  const dims = perm.map((p) => v.dims[p]!);
  const inS = strides(v.dims), outS = strides(dims);
  const out = new Array<number>(v.data.length);
  for (let i = 0; i < out.length; i++) {
    let off = 0, rem = i;
    for (let k = 0; k < dims.length; k++) {
      const q = Math.floor(rem / outS[k]!);
      rem -= q * outS[k]!;
      off += q * inS[perm[k]!]!;
    }
    out[i] = v.data[off]!;
  }
  return [{ dtype: v.dtype, dims, data: out }];
}

function squeeze(node: Node, [d, a]: (Val | undefined)[]): Val[] {
  const v = d!;
  const axes = axesOf(node, a)?.map((x) => norm(x, v.dims.length));
  const dims = v.dims.filter((x, i) => axes ? !axes.includes(i) : x !== 1);
  return [{ ...v, dims }];
}

function unsqueeze(node: Node, [d, a]: (Val | undefined)[]): Val[] {
  const v = d!;
  const rank = v.dims.length + axesOf(node, a)!.length;
  const axes = axesOf(node, a)!.map((x) => norm(x, rank)).sort((p, q) => p - q);
  const dims = [...v.dims];
  for (const ax of axes) dims.splice(ax, 0, 1);
  return [{ ...v, dims }];
}

function constantOfShape(node: Node, [s]: (Val | undefined)[]): Val[] {
  const a = node.attrs.value;
  const fill = a?.type === "tensor" ? valOf(a.value) : { dtype: "float32" as DataType, dims: [1], data: [0] };
  if (fill === undefined) throw new Error("Unsupported ConstantOfShape value type");
  const dims = s!.data;
  return [{ dtype: fill.dtype, dims, data: new Array<number>(count(dims)).fill(fill.data[0] ?? 0) }];
}

function range(_n: Node, [s, l, d]: (Val | undefined)[]): Val[] {
  const start = s!.data[0]!, limit = l!.data[0]!, delta = d!.data[0]!;
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const data = Array.from({ length: n }, (_, i) => castNumber(start + i * delta, s!.dtype));
  return [{ dtype: s!.dtype, dims: [n], data }];
}

function expand(_n: Node, [d, s]: (Val | undefined)[]): Val[] {
  const dims = broadcastDims([d!.dims, s!.data]);
  return [
    broadcastMap(
      [d!, { dtype: "bool", dims, data: new Array<number>(count(dims)).fill(0) }],
      d!.dtype,
      ([x]) => x!,
    ),
  ];
}

function cast(node: Node, [d]: (Val | undefined)[]): Val[] {
  const to = DATA_TYPES[attrInt(node.attrs, "to", 0)]!;
  return [{ dtype: to, dims: d!.dims, data: d!.data.map((x) => castNumber(x, to)) }];
}

const intDiv = (a: number, b: number, dt: DataType) => isInt(dt) ? Math.trunc(a / b) : a / b;
const mod = (a: number, b: number, dt: DataType) => {
  if (!isInt(dt)) return a % b;
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
};

/** Evaluators by op type (default domain). */
export const EVALUATORS: Record<string, Evaluator> = {
  Identity: (_n, [a]) => [a!],
  Gather: gather,
  Slice: slice,
  Concat: concat,
  Reshape: reshape,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  ConstantOfShape: constantOfShape,
  Range: range,
  Expand: expand,
  Cast: cast,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary(intDiv),
  Mod: (n, ins) => attrInt(n.attrs, "fmod", 0) === 1 ? binary((a, b) => a % b)(n, ins) : binary(mod)(n, ins),
  Pow: binary((a, b) => Math.pow(a, b)),
  Min: binary((a, b) => Math.min(a, b)),
  Max: binary((a, b) => Math.max(a, b)),
  Equal: binary((a, b) => a === b ? 1 : 0, true),
  Less: binary((a, b) => a < b ? 1 : 0, true),
  LessOrEqual: binary((a, b) => a <= b ? 1 : 0, true),
  Greater: binary((a, b) => a > b ? 1 : 0, true),
  GreaterOrEqual: binary((a, b) => a >= b ? 1 : 0, true),
  And: binary((a, b) => a && b ? 1 : 0, true),
  Or: binary((a, b) => a || b ? 1 : 0, true),
  Xor: binary((a, b) => (a !== 0) !== (b !== 0) ? 1 : 0, true),
  Where: (_n, [c, a, b]) => [broadcastMap([c!, a!, b!], a!.dtype, ([x, y, z]) => x ? y! : z!)],
  Not: (_n, [a]) => [{ ...a!, data: a!.data.map((x) => x ? 0 : 1) }],
  Neg: unary((a) => -a),
  Abs: unary(Math.abs),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((a) => 1 / a),
  Relu: unary((a) => Math.max(a, 0)),
  Sign: unary(Math.sign),
};
