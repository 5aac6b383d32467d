/**
 * Building a new graph from part of an old one.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Attribute } from "../ir/attribute.ts";
import { Graph } from "../ir/graph.ts";
import { Node } from "../ir/node.ts";
import { Constant, type Tensor, Variable } from "../ir/tensor.ts";

/**
 * A new graph computing `outputs` from `inputs` (tensor names of `graph`), made of copies of the nodes in
 * between. The old graph is not modified; constants share their values (loaded lazily, not copied), and
 * variables keep their dtypes and shapes. An input may be any tensor, not only a graph input, which cuts
 * the graph there. Throws `invalid_argument` for unknown names or when an output depends on a graph input
 * not listed in `inputs`.
 */
export function extractSubgraph(graph: Graph, inputs: readonly string[], outputs: readonly string[]): Graph {
  const map = graph.tensors();
  const get = (name: string): Tensor => {
    const t = map.get(name);
    if (t === undefined) {
      throw new SamqError("invalid_argument", `Cannot extract a subgraph: no tensor "${name}"`, {
        field: name,
      });
    }
    return t;
  };
  const copies = new Map<Tensor, Tensor>();
  const copyTensor = (t: Tensor): Tensor => {
    let c = copies.get(t);
    if (c === undefined) {
      c = t.kind === "constant"
        ? shareConstant(t)
        : new Variable(t.name, t.dtype, t.shape ? [...t.shape] : undefined);
      copies.set(t, c);
    }
    return c;
  };
  const newInputs = inputs.map((n) => copyTensor(get(n)) as Variable);
  for (const t of newInputs) {
    if (t.kind !== "variable") {
      throw new SamqError("invalid_argument", `Cannot use constant "${t.name}" as an input`);
    }
  }
  const boundary = new Set(inputs.map(get));
  // Collect the needed nodes backwards from the outputs.
  const needed = new Set<Node>();
  const stack = outputs.map(get);
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || boundary.has(t)) continue;
    seen.add(t);
    if (t.kind === "constant" || t.name === "") continue;
    const p = t.producer;
    if (p === undefined) {
      throw new SamqError(
        "invalid_argument",
        `Cannot extract a subgraph: it needs graph input "${t.name}", which is not among its inputs`,
        { field: t.name },
      );
    }
    if (needed.has(p)) continue;
    needed.add(p);
    stack.push(...p.inputs);
  }
  const nodes: Node[] = [];
  for (const n of graph.nodes) {
    if (!needed.has(n)) continue;
    const attrs: Record<string, Attribute> = {};
    for (const [k, a] of Object.entries(n.attrs)) {
      attrs[k] = a.type === "tensor" ? { type: "tensor", value: shareConstant(a.value) } : a;
    }
    const copy = new Node(n.op, {
      name: n.name,
      domain: n.domain,
      attrs,
      docString: n.docString,
      inputs: n.inputs.map((t) => (t.name === "" ? Variable.empty() : copyTensor(t))),
      outputs: n.outputs.map((t) => (t.name === "" ? Variable.empty() : copyTensor(t) as Variable)),
    });
    copy.extra = { ...n.extra };
    nodes.push(copy);
  }
  return new Graph({
    name: graph.name,
    opset: { ...graph.opset },
    nodes,
    inputs: newInputs,
    outputs: outputs.map((n) => copyTensor(get(n))),
  }).toposort();
}

function shareConstant(c: Constant): Constant {
  const copy = new Constant(c.name, c.dtype, [...c.dims], {
    load: () => c.values(),
    ...(c.external === undefined ? {} : { external: c.external }),
  });
  copy.docString = c.docString;
  return copy;
}
