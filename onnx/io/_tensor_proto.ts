/**
 * `TensorProto` ⇄ {@link Constant}. Values stay lazy: in-file data is viewed on first access, external
 * data is read from its file (offset, length) on first access.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import {
  byteLength,
  bytesOfValues,
  type DataType,
  dataTypeCode,
  dataTypeFromCode,
  elementCount,
  type TensorValues,
  valuesFromBytes,
} from "../ir/dtype.ts";
import { Constant, type ExternalLocation } from "../ir/tensor.ts";
import { i64, num, type TensorP } from "./_proto_types.ts";

/** Where a model file lives, for error messages and external-data paths. */
export interface ReadContext {
  path: string;
  baseDir: string;
}

/** Converts a decoded TensorProto into a lazy {@link Constant}. */
export function constantFromProto(tp: TensorP, ctx: ReadContext): Constant {
  const dtype = dataTypeFromCode(tp.data_type);
  if (dtype === undefined || dtype === "undefined") {
    throw new SamqError(
      "invalid_model",
      `Cannot read "${ctx.path}": tensor "${tp.name}" has data type ${tp.data_type}`,
      {
        path: ctx.path,
        field: tp.name,
      },
    );
  }
  const dims = tp.dims.map(num);
  const count = elementCount(dims);
  if (tp.data_location === 1) {
    const loc = externalLocation(tp, ctx, dtype, count);
    const load = () => readExternal(loc, dtype, count, tp.name, ctx);
    return withDoc(new Constant(tp.name, dtype, dims, { load, external: loc }), tp);
  }
  const raw = tp.raw_data;
  if (dtype !== "string" && (raw.length > 0 || count === 0 || !hasTypedData(tp))) {
    const expected = byteLength(dtype, count);
    if (raw.length !== expected) {
      throw new SamqError(
        "invalid_model",
        `Cannot read "${ctx.path}": tensor "${tp.name}" has ${raw.length} bytes of data, expected ${expected}`,
        { path: ctx.path, field: tp.name },
      );
    }
    return withDoc(
      new Constant(tp.name, dtype, dims, { load: () => valuesFromBytes(dtype, raw, count) }),
      tp,
    );
  }
  return withDoc(new Constant(tp.name, dtype, dims, { load: () => typedFieldValues(tp, dtype, count) }), tp);
}

function withDoc(c: Constant, tp: TensorP): Constant {
  c.docString = tp.doc_string;
  return c;
}

function hasTypedData(tp: TensorP): boolean {
  return tp.float_data.length + tp.int32_data.length + tp.int64_data.length + tp.double_data.length +
      tp.uint64_data.length + tp.string_data.length > 0;
}

function typedFieldValues(tp: TensorP, dtype: DataType, count: number): TensorValues {
  switch (dtype) {
    case "float32":
    case "complex64":
      return Float32Array.from(tp.float_data);
    case "float64":
    case "complex128":
      return Float64Array.from(tp.double_data);
    case "int64":
      return BigInt64Array.from(tp.int64_data, (v) => BigInt(num(v)));
    case "uint64":
      return BigUint64Array.from(tp.uint64_data, (v) => BigInt.asUintN(64, BigInt(num(v))));
    case "uint32":
      return Uint32Array.from(tp.uint64_data, num);
    case "int32":
      return Int32Array.from(tp.int32_data);
    case "int8":
      return Int8Array.from(tp.int32_data);
    case "int16":
      return Int16Array.from(tp.int32_data);
    case "uint16":
    case "float16":
    case "bfloat16":
      return Uint16Array.from(tp.int32_data);
    case "string":
      return tp.string_data.map((b) => new TextDecoder().decode(b));
    default: {
      // bool, uint8, float8 (one per int32) and sub-byte types (packed bytes, one per int32).
      const out = new Uint8Array(byteLength(dtype, count));
      out.set(tp.int32_data.slice(0, out.length));
      return out;
    }
  }
}

function externalLocation(tp: TensorP, ctx: ReadContext, dtype: DataType, count: number): ExternalLocation {
  const kv = new Map(tp.external_data.map((e) => [e.key, e.value]));
  const location = kv.get("location");
  if (
    location === undefined || location === "" || isAbsolute(location) ||
    location.split(/[\\/]/).includes("..")
  ) {
    throw new SamqError(
      "invalid_model",
      `Cannot read "${ctx.path}": tensor "${tp.name}" has an invalid external data location "${
        location ?? ""
      }"`,
      { path: ctx.path, field: tp.name },
    );
  }
  if (dtype === "string") {
    throw new SamqError(
      "invalid_model",
      `Cannot read "${ctx.path}": tensor "${tp.name}" holds strings, which cannot be external data`,
      { path: ctx.path, field: tp.name },
    );
  }
  const offset = Number(kv.get("offset") ?? "0");
  const length = kv.has("length") ? Number(kv.get("length")) : byteLength(dtype, count);
  return { path: join(ctx.baseDir, location), offset, length };
}

function readExternal(
  loc: ExternalLocation,
  dtype: DataType,
  count: number,
  name: string,
  ctx: ReadContext,
): TensorValues {
  const expected = byteLength(dtype, count);
  if (loc.length !== expected) {
    throw new SamqError(
      "invalid_model",
      `Cannot read "${loc.path}": tensor "${name}" has length ${loc.length}, expected ${expected} bytes`,
      { path: loc.path, field: name },
    );
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(loc.path, { read: true });
  } catch (e) {
    const code = e instanceof Deno.errors.NotFound ? "not_found" : "io";
    throw new SamqError(
      code,
      `Cannot read "${loc.path}" (external data of "${ctx.path}"): ${(e as Error).message}`,
      {
        path: loc.path,
        field: name,
        cause: e,
      },
    );
  }
  try {
    const buf = new Uint8Array(loc.length);
    file.seekSync(loc.offset, Deno.SeekMode.Start);
    let done = 0;
    while (done < buf.length) {
      const n = file.readSync(buf.subarray(done));
      if (n === null || n === 0) break;
      done += n;
    }
    if (done !== buf.length) {
      throw new SamqError(
        "invalid_model",
        `Cannot read "${loc.path}": tensor "${name}" needs bytes ${loc.offset}..${
          loc.offset + loc.length
        }, file ends first`,
        { path: loc.path, field: name },
      );
    }
    return valuesFromBytes(dtype, buf, count);
  } finally {
    file.close();
  }
}

/** Where {@link constantToProto} put a tensor's bytes in an external file. */
export interface ExternalRef {
  location: string;
  offset: number;
  length: number;
}

/** Encodes a constant (values inline as `raw_data`, or as a reference to external data). */
export function constantToProto(c: Constant, external?: ExternalRef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: c.name,
    dims: c.dims.map(i64),
    data_type: dataTypeCode(c.dtype),
  };
  if (c.docString !== "") out.doc_string = c.docString;
  if (external !== undefined) {
    out.data_location = 1;
    out.external_data = [
      { key: "location", value: external.location },
      { key: "offset", value: String(external.offset) },
      { key: "length", value: String(external.length) },
    ];
    return out;
  }
  const values = c.peekValues();
  if (Array.isArray(values)) out.string_data = values.map((s) => new TextEncoder().encode(s));
  else out.raw_data = bytesOfValues(values);
  return out;
}

/** Raw little-endian bytes of a numeric constant (without caching lazily loaded values). */
export function constantBytes(c: Constant): Uint8Array {
  return bytesOfValues(c.peekValues());
}
