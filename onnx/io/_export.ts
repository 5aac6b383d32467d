/**
 * {@link Graph} → plain `GraphProto` object for protobufjs. Initializers are the constants the nodes read;
 * a sink decides, per constant, whether its bytes go inline or to an external-data file.
 *
 * @module
 */
import type { Attribute } from "../ir/attribute.ts";
import { dataTypeCode } from "../ir/dtype.ts";
import type { Graph } from "../ir/graph.ts";
import type { Node } from "../ir/node.ts";
import type { Constant, Tensor } from "../ir/tensor.ts";
import { onnxRoot } from "./_schema.ts";
import { i64 } from "./_proto_types.ts";
import { constantToProto, type ExternalRef } from "./_tensor_proto.ts";

/** Decides where a main-graph initializer's bytes go; `undefined` keeps them inline. */
export type ExternalSink = (c: Constant) => ExternalRef | undefined;

type Obj = Record<string, unknown>;

/** Encodes `graph`; `sink` applies to initializers of the top-level graph only. */
export function graphToProto(graph: Graph, sink?: ExternalSink, initializersAsInputs = false): Obj {
  const inits = graph.initializers();
  const boundary = new Set<Tensor>([...graph.inputs, ...graph.outputs]);
  const valueInfo: Obj[] = [];
  for (const n of graph.nodes) {
    for (const t of n.outputs) {
      if (!boundary.has(t) && !t.isEmpty && t.dtype !== undefined) valueInfo.push(valueInfoToProto(t));
    }
  }
  const out: Obj = {
    node: graph.nodes.map(nodeToProto),
    name: graph.name,
    initializer: inits.map((c) => constantToProto(c, sink?.(c))),
    input: [...graph.inputs, ...(initializersAsInputs ? inits : [])].map(valueInfoToProto),
    output: graph.outputs.map(valueInfoToProto),
    value_info: valueInfo,
  };
  if (graph.docString !== "") out.doc_string = graph.docString;
  if (graph.metadata.length > 0) out.metadata_props = graph.metadata.map(([key, value]) => ({ key, value }));
  return out;
}

/** A ValueInfoProto for a tensor (dtype and shape when known). */
export function valueInfoToProto(t: Tensor): Obj {
  const out: Obj = { name: t.name };
  if (t.dtype === undefined) return out;
  const tensorType: Obj = { elem_type: dataTypeCode(t.dtype) };
  if (t.shape !== undefined) {
    tensorType.shape = {
      dim: t.shape.map((d) =>
        typeof d === "number" ? { dim_value: i64(d) } : typeof d === "string" ? { dim_param: d } : {}
      ),
    };
  }
  out.type = { tensor_type: tensorType };
  return out;
}

function nodeToProto(n: Node): Obj {
  const out: Obj = {
    input: n.inputs.map((t) => t.name),
    output: n.outputs.map((t) => t.name),
    op_type: n.op,
    attribute: Object.entries(n.attrs).map(([name, a]) => attributeToProto(name, a)),
  };
  if (n.name !== "") out.name = n.name;
  if (n.domain !== "") out.domain = n.domain;
  if (n.docString !== "") out.doc_string = n.docString;
  if (n.extra.overload !== undefined) out.overload = n.extra.overload;
  if (n.extra.metadata !== undefined) {
    out.metadata_props = n.extra.metadata.map(([key, value]) => ({ key, value }));
  }
  return out;
}

const TYPE_CODES: Record<Exclude<Attribute["type"], "ref" | "opaque">, number> = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
  tensors: 9,
  graphs: 10,
};

function attributeToProto(name: string, a: Attribute): Obj {
  const enc = new TextEncoder();
  switch (a.type) {
    case "ref":
      return { name, ref_attr_name: a.value, type: a.refType };
    case "opaque": {
      const decoded = onnxRoot().lookupType("onnx.AttributeProto").decode(a.value) as unknown as Obj;
      decoded.name = name;
      return decoded;
    }
    case "float":
      return { name, type: TYPE_CODES.float, f: a.value };
    case "int":
      return { name, type: TYPE_CODES.int, i: i64(a.value) };
    case "string":
      return { name, type: TYPE_CODES.string, s: enc.encode(a.value) };
    case "tensor":
      return { name, type: TYPE_CODES.tensor, t: constantToProto(a.value) };
    case "graph":
      return { name, type: TYPE_CODES.graph, g: graphToProto(a.value) };
    case "floats":
      return { name, type: TYPE_CODES.floats, floats: a.value };
    case "ints":
      return { name, type: TYPE_CODES.ints, ints: a.value.map(i64) };
    case "strings":
      return { name, type: TYPE_CODES.strings, strings: a.value.map((s) => enc.encode(s)) };
    case "tensors":
      return { name, type: TYPE_CODES.tensors, tensors: a.value.map((c) => constantToProto(c)) };
    case "graphs":
      return { name, type: TYPE_CODES.graphs, graphs: a.value.map((g) => graphToProto(g)) };
  }
}
