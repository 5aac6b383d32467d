/**
 * ONNX element types as string names (ONNX Runtime's spelling), indexed by the `TensorProto.DataType` enum
 * number, with the typed array that holds each type's values in samq.
 *
 * Storage rules (little-endian, row-major, as ONNX `raw_data`):
 * - float16 and bfloat16 values are kept as their bit patterns in a `Uint16Array`;
 * - the float8 types, bool and uint8 use one byte per element in a `Uint8Array`;
 * - 4-bit types (int4, uint4, float4e2m1) are packed two per byte, low nibble first, and 2-bit types four
 *   per byte, in a `Uint8Array` of `ceil(n·bits/8)` bytes;
 * - complex64/complex128 are interleaved (re, im) pairs in a `Float32Array`/`Float64Array` of 2n values;
 * - strings are a `string[]`.
 *
 * @module
 */

/** ONNX data type names; the index of each name is its `TensorProto.DataType` number. */
export const DATA_TYPES = [
  "undefined",
  "float32",
  "uint8",
  "int8",
  "uint16",
  "int16",
  "int32",
  "int64",
  "string",
  "bool",
  "float16",
  "float64",
  "uint32",
  "uint64",
  "complex64",
  "complex128",
  "bfloat16",
  "float8e4m3fn",
  "float8e4m3fnuz",
  "float8e5m2",
  "float8e5m2fnuz",
  "uint4",
  "int4",
  "float4e2m1",
  "float8e8m0",
  "uint2",
  "int2",
] as const;

/** An ONNX element type name, one of {@link DATA_TYPES}. */
export type DataType = typeof DATA_TYPES[number];

/** Values of a constant tensor (see the module doc for the storage of each type). */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** The ONNX enum number of `dtype`. */
export function dataTypeCode(dtype: DataType): number {
  return DATA_TYPES.indexOf(dtype);
}

/** The dtype for an ONNX enum number, or `undefined` when unknown. */
export function dataTypeFromCode(code: number): DataType | undefined {
  return DATA_TYPES[code];
}

/** Bits per element (complex counts both parts); 0 for string and undefined. */
export function bitsPerElement(dtype: DataType): number {
  switch (dtype) {
    case "float64":
    case "int64":
    case "uint64":
    case "complex64":
      return 64;
    case "complex128":
      return 128;
    case "float32":
    case "int32":
    case "uint32":
      return 32;
    case "float16":
    case "bfloat16":
    case "int16":
    case "uint16":
      return 16;
    case "uint4":
    case "int4":
    case "float4e2m1":
      return 4;
    case "uint2":
    case "int2":
      return 2;
    case "string":
    case "undefined":
      return 0;
    default:
      return 8;
  }
}

/** Bytes that `count` elements of `dtype` take in `raw_data` (sub-byte types packed, rounded up). */
export function byteLength(dtype: DataType, count: number): number {
  return Math.ceil((count * bitsPerElement(dtype)) / 8);
}

/** Number of elements of a tensor with `dims` (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Builds the typed array for `dtype` over little-endian `bytes` (copies when unaligned). */
export function valuesFromBytes(dtype: DataType, bytes: Uint8Array, count: number): TensorValues {
  const bits = bitsPerElement(dtype);
  if (bits === 0) throw new Error(`Cannot view bytes as "${dtype}" values`);
  const width = bits >= 8 ? bits / 8 : 1;
  const elemsOf = bits === 128 || dtype === "complex64" ? count * 2 : count;
  // `new Uint8Array(bytes)` copies even for a Node Buffer, whose slice() is a view.
  const aligned = bytes.byteOffset % Math.min(width, 8) === 0 ? bytes : new Uint8Array(bytes);
  const buf = aligned.buffer as ArrayBuffer;
  const off = aligned.byteOffset;
  switch (dtype) {
    case "float32":
      return new Float32Array(buf, off, count);
    case "complex64":
      return new Float32Array(buf, off, elemsOf);
    case "float64":
      return new Float64Array(buf, off, count);
    case "complex128":
      return new Float64Array(buf, off, elemsOf);
    case "int8":
      return new Int8Array(buf, off, count);
    case "int16":
      return new Int16Array(buf, off, count);
    case "uint16":
    case "float16":
    case "bfloat16":
      return new Uint16Array(buf, off, count);
    case "int32":
      return new Int32Array(buf, off, count);
    case "uint32":
      return new Uint32Array(buf, off, count);
    case "int64":
      return new BigInt64Array(buf, off, count);
    case "uint64":
      return new BigUint64Array(buf, off, count);
    default:
      return new Uint8Array(buf, off, byteLength(dtype, count));
  }
}

/** Little-endian bytes of numeric `values` (a view, no copy). */
export function bytesOfValues(values: TensorValues): Uint8Array {
  if (Array.isArray(values)) throw new Error("Cannot take raw bytes of string values");
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The dtype that a typed array holds by default (Uint16Array → uint16, Uint8Array → uint8). */
export function dataTypeOfValues(values: TensorValues): DataType {
  if (Array.isArray(values)) return "string";
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int8Array) return "int8";
  if (values instanceof Uint8Array) return "uint8";
  if (values instanceof Int16Array) return "int16";
  if (values instanceof Uint16Array) return "uint16";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof Uint32Array) return "uint32";
  if (values instanceof BigInt64Array) return "int64";
  return "uint64";
}
