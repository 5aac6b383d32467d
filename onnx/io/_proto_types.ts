/**
 * Shapes of the decoded protobuf messages that `onnx/io` touches (protobufjs returns class instances with
 * these fields; int64 fields arrive as `Long` or number, and are written from numbers).
 *
 * @module
 */

/** A protobufjs int64 value. */
export type Int64 = number | { low: number; high: number; unsigned?: boolean; toNumber?: () => number };

/** Converts a decoded int64 to a JS number. */
export function num(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "number") return v;
  if (typeof v.toNumber === "function") return v.toNumber();
  return v.high * 4294967296 + (v.low >>> 0);
}

/** A JS number as an int64 protobufjs accepts, clamped to the int64 range (so INT64_MAX survives). */
export function i64(n: number): Int64 {
  if (n >= 9223372036854775807) return { low: 0xffffffff | 0, high: 0x7fffffff };
  if (n <= -9223372036854775808) return { low: 0, high: 0x80000000 | 0 };
  return n;
}

export interface EntryP {
  key: string;
  value: string;
}

export interface TensorP {
  dims: Int64[];
  data_type: number;
  float_data: number[];
  int32_data: number[];
  string_data: Uint8Array[];
  int64_data: Int64[];
  double_data: number[];
  uint64_data: Int64[];
  name: string;
  doc_string: string;
  raw_data: Uint8Array;
  external_data: EntryP[];
  data_location: number;
}

export interface DimP {
  dim_value?: Int64;
  dim_param?: string;
  value?: string;
}

export interface TypeP {
  tensor_type?: { elem_type: number; shape?: { dim: DimP[] } | null } | null;
}

export interface ValueInfoP {
  name: string;
  type?: TypeP | null;
  doc_string: string;
}

export interface AttributeP {
  name: string;
  ref_attr_name: string;
  doc_string: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: TensorP | null;
  g?: GraphP | null;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorP[];
  graphs: GraphP[];
}

export interface NodeP {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  overload: string;
  attribute: AttributeP[];
  doc_string: string;
  metadata_props: EntryP[];
}

export interface GraphP {
  node: NodeP[];
  name: string;
  initializer: TensorP[];
  sparse_initializer: unknown[];
  doc_string: string;
  input: ValueInfoP[];
  output: ValueInfoP[];
  value_info: ValueInfoP[];
  metadata_props: EntryP[];
}

export interface ModelP {
  ir_version: Int64;
  opset_import: { domain: string; version: Int64 }[];
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: Int64;
  doc_string: string;
  graph?: GraphP | null;
  metadata_props: EntryP[];
  training_info: unknown[];
  functions: unknown[];
}
