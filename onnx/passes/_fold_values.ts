/**
 * Small host-side tensors for constant folding: values as JS numbers (int64 shape values are exact up to
 * 2^53; INT64 sentinels are clamped back on conversion), float32 results rounded with `Math.fround` so
 * that single float32 operations match ONNX Runtime bit for bit.
 *
 * @module
 */
import type { DataType, TensorValues } from "../ir/dtype.ts";
import { Constant } from "../ir/tensor.ts";

/** A folded value. */
export interface Val {
  dtype: DataType;
  dims: number[];
  data: number[];
}

/** Dtypes the folder evaluates. */
export const FOLDABLE: ReadonlySet<DataType> = new Set<DataType>([
  "float32",
  "float64",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "bool",
]);

/** Reads a constant as a {@link Val}, or `undefined` when its dtype is not foldable. */
export function valOf(c: Constant): Val | undefined {
  if (!FOLDABLE.has(c.dtype)) return undefined;
  const v = c.values();
  if (Array.isArray(v)) return undefined;
  const data: number[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) data[i] = Number(v[i]);
  return { dtype: c.dtype, dims: [...c.dims], data };
}

/** Converts a number to `dtype`'s value set (rounding, truncation, wrap-around as a C cast would). */
export function castNumber(x: number, dtype: DataType): number {
  switch (dtype) {
    case "float32":
      return Math.fround(x);
    case "float64":
      return x;
    case "bool":
      return x !== 0 ? 1 : 0;
    default: {
      if (Number.isNaN(x)) return 0;
      const t = Math.trunc(x);
      switch (dtype) {
        case "int8":
          return (t << 24) >> 24;
        case "int16":
          return (t << 16) >> 16;
        case "int32":
          return t | 0;
        case "uint8":
          return t & 0xff;
        case "uint16":
          return t & 0xffff;
        case "uint32":
          return t >>> 0;
        default:
          return t;
      }
    }
  }
}

/** Builds the typed array of a {@link Val}. */
export function typedOf(v: Val): TensorValues {
  const n = v.data.length;
  switch (v.dtype) {
    case "float32":
      return Float32Array.from(v.data);
    case "float64":
      return Float64Array.from(v.data);
    case "int8":
      return Int8Array.from(v.data);
    case "int16":
      return Int16Array.from(v.data);
    case "int32":
      return Int32Array.from(v.data);
    case "uint16":
      return Uint16Array.from(v.data);
    case "uint32":
      return Uint32Array.from(v.data);
    case "int64": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = clampBig(v.data[i]!, -(2n ** 63n), 2n ** 63n - 1n);
      return out;
    }
    case "uint64": {
      const out = new BigUint64Array(n);
      for (let i = 0; i < n; i++) out[i] = clampBig(v.data[i]!, 0n, 2n ** 64n - 1n);
      return out;
    }
    default:
      return Uint8Array.from(v.data);
  }
}

function clampBig(x: number, lo: bigint, hi: bigint): bigint {
  const b = BigInt(Math.trunc(x));
  return b < lo ? lo : b > hi ? hi : b;
}

/** Element count of dims. */
export function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Row-major strides. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Numpy-style broadcast of several shapes; throws when incompatible. */
export function broadcastDims(shapes: readonly number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const k = rank - s.length + i;
      const d = s[i]!;
      if (d === 1) continue;
      if (out[k] !== 1 && out[k] !== d) {
        throw new Error(`Cannot broadcast [${shapes.map((x) => x.join(",")).join("] and [")}]`);
      }
      out[k] = d;
    }
  }
  return out;
}

/** Applies `f` elementwise over broadcast inputs. */
export function broadcastMap(inputs: Val[], outDtype: DataType, f: (xs: number[]) => number): Val {
  const dims = broadcastDims(inputs.map((v) => v.dims));
  const n = count(dims);
  const outStrides = strides(dims);
  const inStrides = inputs.map((v) => {
    const s = strides(v.dims);
    // Stride 0 on broadcast axes; align to the right.
    return dims.map((_, k) => {
      const j = k - (dims.length - v.dims.length);
      return j < 0 || v.dims[j] === 1 ? 0 : s[j]!;
    });
  });
  const data = new Array<number>(n);
  const xs = new Array<number>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < inputs.length; a++) {
      let off = 0;
      let rem = i;
      for (let k = 0; k < dims.length; k++) {
        const q = Math.floor(rem / outStrides[k]!);
        rem -= q * outStrides[k]!;
        off += q * inStrides[a]![k]!;
      }
      xs[a] = inputs[a]!.data[off]!;
    }
    data[i] = castNumber(f(xs), outDtype);
  }
  return { dtype: outDtype, dims, data };
}

/** Turns a {@link Val} into a constant. */
export function constantOf(name: string, v: Val): Constant {
  return new Constant(name, v.dtype, v.dims, typedOf(v));
}
