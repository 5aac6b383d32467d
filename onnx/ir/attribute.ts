/**
 * Typed node attributes. ONNX distinguishes `1` (int) from `1.0` (float), so every attribute carries its
 * type; the {@link attr} helpers build them: `{ perm: attr.ints([0, 2, 1]), alpha: attr.float(1) }`.
 *
 * Int64 values are JS numbers (exact up to 2^53; ±2^63 sentinels such as INT64_MAX are kept as the nearest
 * double and written back clamped to the int64 range).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Constant } from "./tensor.ts";
import type { Graph } from "./graph.ts";

/** One attribute value with its ONNX type. */
export type Attribute =
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "string"; value: string }
  | { type: "tensor"; value: Constant }
  | { type: "graph"; value: Graph }
  | { type: "floats"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "strings"; value: string[] }
  | { type: "tensors"; value: Constant[] }
  | { type: "graphs"; value: Graph[] }
  /** A reference to an attribute of the enclosing function (`ref_attr_name`). */
  | { type: "ref"; value: string; refType: number }
  /** Sparse tensors and type protos, kept as encoded bytes so that they round-trip. */
  | { type: "opaque"; value: Uint8Array };

/** The attribute map of a node. */
export type Attributes = Record<string, Attribute>;

/** Attribute builders. */
export const attr = {
  float: (value: number): Attribute => ({ type: "float", value }),
  int: (value: number): Attribute => ({ type: "int", value }),
  string: (value: string): Attribute => ({ type: "string", value }),
  tensor: (value: Constant): Attribute => ({ type: "tensor", value }),
  graph: (value: Graph): Attribute => ({ type: "graph", value }),
  floats: (value: number[]): Attribute => ({ type: "floats", value }),
  ints: (value: number[]): Attribute => ({ type: "ints", value }),
  strings: (value: string[]): Attribute => ({ type: "strings", value }),
} as const;

/**
 * The int value of attribute `name`, or `fallback` when absent.
 *
 * @throws {SamqError} `invalid_model` when present with another type (a model file can say so).
 */
export function attrInt(attrs: Attributes, name: string, fallback: number): number {
  const a = attrs[name];
  if (a === undefined) return fallback;
  if (a.type !== "int") throw wrongType(name, a.type, "int");
  return a.value;
}

/**
 * The ints value of attribute `name`, or `undefined` when absent.
 *
 * @throws {SamqError} `invalid_model` when present with another type.
 */
export function attrInts(attrs: Attributes, name: string): number[] | undefined {
  const a = attrs[name];
  if (a === undefined) return undefined;
  if (a.type !== "ints") throw wrongType(name, a.type, "ints");
  return a.value;
}

function wrongType(name: string, type: string, want: string): SamqError {
  return new SamqError("invalid_model", `Cannot use attribute "${name}": it is ${type}, expected ${want}`, {
    field: name,
  });
}
