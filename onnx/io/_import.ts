/**
 * Decoded `GraphProto` → {@link Graph}. Names are resolved once, here; afterwards the IR links tensors
 * and nodes by reference.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Attribute, Attributes } from "../ir/attribute.ts";
import { dataTypeFromCode } from "../ir/dtype.ts";
import { Graph } from "../ir/graph.ts";
import { Node } from "../ir/node.ts";
import { type Dim, type Tensor, Variable } from "../ir/tensor.ts";
import { onnxRoot } from "./_schema.ts";
import { type AttributeP, type GraphP, num, type TypeP, type ValueInfoP } from "./_proto_types.ts";
import { constantFromProto, type ReadContext } from "./_tensor_proto.ts";

/** Builds a graph; `outer` holds the enclosing scope's tensors for subgraphs. */
export function graphFromProto(
  gp: GraphP,
  ctx: ReadContext,
  opset: Record<string, number>,
  outer?: Map<string, Tensor>,
): Graph {
  const fail = (msg: string, field?: string): never => {
    throw new SamqError("invalid_model", `Cannot read "${ctx.path}": ${msg}`, {
      path: ctx.path,
      ...(field === undefined ? {} : { field }),
    });
  };
  if (gp.sparse_initializer.length > 0) fail(`graph "${gp.name}" has sparse initializers (not supported)`);
  const scope = new Map<string, Tensor>(outer);
  const local = new Set<string>();
  const declare = (t: Tensor) => {
    if (local.has(t.name)) fail(`tensor "${t.name}" is defined twice in graph "${gp.name}"`, t.name);
    local.add(t.name);
    scope.set(t.name, t);
  };
  for (const tp of gp.initializer) declare(constantFromProto(tp, ctx));
  const info = new Map<string, ValueInfoP>();
  for (const vi of [...gp.value_info, ...gp.output, ...gp.input]) info.set(vi.name, vi);

  const graph = new Graph({ name: gp.name, docString: gp.doc_string, opset });
  graph.metadata = gp.metadata_props.map((e) => [e.key, e.value]);
  for (const vi of gp.input) {
    if (local.has(vi.name)) continue; // an initializer listed as input (IR < 4): it is a constant
    const v = variableFromInfo(vi);
    declare(v);
    graph.inputs.push(v);
  }
  // Outputs first, so that a graph stored out of order still resolves.
  const outputs = gp.node.map((np) =>
    np.output.map((name) => {
      if (name === "") return Variable.empty();
      const vi = info.get(name);
      const v = vi ? variableFromInfo(vi) : new Variable(name);
      declare(v);
      return v;
    })
  );
  gp.node.forEach((np, k) => {
    const inputs = np.input.map((name) => {
      if (name === "") return Variable.empty();
      return scope.get(name) ??
        fail(`node "${np.name}" (${np.op_type}) reads "${name}", which is not defined`, name);
    });
    const attrs: Attributes = {};
    for (const ap of np.attribute) attrs[ap.name] = attributeFromProto(ap, ctx, opset, scope);
    const node = new Node(np.op_type, {
      name: np.name,
      domain: np.domain,
      attrs,
      inputs,
      outputs: outputs[k]!,
      docString: np.doc_string,
    });
    if (np.overload !== "") node.extra.overload = np.overload;
    if (np.metadata_props.length > 0) node.extra.metadata = np.metadata_props.map((e) => [e.key, e.value]);
    graph.nodes.push(node);
  });
  for (const vi of gp.output) {
    const t = scope.get(vi.name) ?? fail(`graph output "${vi.name}" is not produced by any node`, vi.name);
    graph.outputs.push(t);
  }
  return graph;
}

/** A variable with the dtype and shape of a ValueInfoProto. */
export function variableFromInfo(vi: ValueInfoP): Variable {
  const { dtype, shape } = typeFromProto(vi.type);
  return new Variable(vi.name, dtype, shape);
}

function typeFromProto(tp: TypeP | null | undefined): { dtype: Variable["dtype"]; shape: Dim[] | undefined } {
  const tt = tp?.tensor_type;
  if (!tt) return { dtype: undefined, shape: undefined };
  const dtype = dataTypeFromCode(tt.elem_type);
  const shape = tt.shape
    ? tt.shape.dim.map((d): Dim => {
      if (d.value === "dim_value" || (d.value === undefined && d.dim_value !== undefined)) {
        return num(d.dim_value);
      }
      if (d.value === "dim_param" || (d.value === undefined && d.dim_param !== undefined)) return d.dim_param;
      return undefined;
    })
    : undefined;
  return { dtype: dtype === "undefined" ? undefined : dtype, shape };
}

function attributeFromProto(
  ap: AttributeP,
  ctx: ReadContext,
  opset: Record<string, number>,
  scope: Map<string, Tensor>,
): Attribute {
  if (ap.ref_attr_name !== "") return { type: "ref", value: ap.ref_attr_name, refType: ap.type };
  const dec = new TextDecoder();
  switch (ap.type) {
    case 1:
      return { type: "float", value: ap.f };
    case 2:
      return { type: "int", value: num(ap.i) };
    case 3:
      return { type: "string", value: dec.decode(ap.s) };
    case 4:
      return { type: "tensor", value: constantFromProto(ap.t!, ctx) };
    case 5:
      return { type: "graph", value: graphFromProto(ap.g!, ctx, opset, scope) };
    case 6:
      return { type: "floats", value: [...ap.floats] };
    case 7:
      return { type: "ints", value: ap.ints.map(num) };
    case 8:
      return { type: "strings", value: ap.strings.map((s) => dec.decode(s)) };
    case 9:
      return { type: "tensors", value: ap.tensors.map((t) => constantFromProto(t, ctx)) };
    case 10:
      return { type: "graphs", value: ap.graphs.map((g) => graphFromProto(g, ctx, opset, scope)) };
    default: {
      const type = onnxRoot().lookupType("onnx.AttributeProto");
      // deno-lint-ignore no-explicit-any
      return { type: "opaque", value: type.encode(ap as any).finish() };
    }
  }
}
