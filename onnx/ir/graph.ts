/**
 * The graph IR, after onnx-graphsurgeon: a graph is its nodes, inputs, outputs and operator sets. Tensors
 * are found by walking those (there is no separate tensor registry), and the initializers of an exported
 * graph are the constants its nodes read.
 *
 * Edits may leave dangling nodes; run `cleanup()` then `toposort()` afterwards (both return the graph).
 *
 * @module
 */
import type { Attributes } from "./attribute.ts";
import { cleanupGraph, type CleanupOptions } from "./cleanup.ts";
import { Node } from "./node.ts";
import { type GraphSummary, summarizeGraph } from "./summary.ts";
import { Constant, type Dim, type Tensor, Variable } from "./tensor.ts";
import type { DataType, TensorValues } from "./dtype.ts";
import { toposortGraph } from "./toposort.ts";

/** Options for a new {@link Graph}. */
export interface GraphInit {
  name?: string;
  docString?: string;
  nodes?: Node[];
  inputs?: Variable[];
  outputs?: Tensor[];
  /** Operator sets: domain ("" = ai.onnx) → version. */
  opset?: Record<string, number>;
}

/** Options of {@link Graph.addNode}. */
export interface AddNodeOptions {
  /** Output tensors, or names for new ones, or a count of new ones (default 1). */
  outputs?: Variable[] | string[] | number;
  name?: string;
  domain?: string;
  /** Insert right after this node instead of appending (keeps the node list nearly sorted). */
  after?: Node;
}

/** A computation graph. */
export class Graph {
  name: string;
  docString: string;
  nodes: Node[];
  inputs: Variable[];
  outputs: Tensor[];
  /** Operator sets: domain ("" = ai.onnx) → version. */
  opset: Record<string, number>;
  /** `GraphProto.metadata_props`, kept for round-tripping. */
  metadata: [string, string][] = [];
  #names: Set<string> | undefined;

  constructor(init: GraphInit = {}) {
    this.name = init.name ?? "";
    this.docString = init.docString ?? "";
    this.nodes = init.nodes ?? [];
    this.inputs = init.inputs ?? [];
    this.outputs = init.outputs ?? [];
    this.opset = init.opset ?? { "": 17 };
  }

  /**
   * All tensors by name (graph inputs, node inputs and outputs, graph outputs; not subgraph-local ones).
   * Throws when two different tensors share a name, naming both producers.
   */
  tensors(): Map<string, Tensor> {
    const map = new Map<string, Tensor>();
    const add = (t: Tensor) => {
      if (t.name === "") return;
      const prev = map.get(t.name);
      if (prev === undefined) map.set(t.name, t);
      else if (prev !== t) {
        throw new Error(
          `Tensor name "${t.name}" is used by two tensors, produced by ${describe(prev)} and ${describe(t)}`,
        );
      }
    };
    for (const t of this.inputs) add(t);
    for (const n of this.nodes) {
      for (const t of n.inputs) add(t);
      for (const t of n.outputs) add(t);
    }
    for (const t of this.outputs) add(t);
    return map;
  }

  /** The tensor called `name`, or `undefined`. */
  tensor(name: string): Tensor | undefined {
    return this.tensors().get(name);
  }

  /** The node producing `tensor` (undefined for constants and graph inputs). */
  producer(tensor: Tensor): Node | undefined {
    return tensor.producer;
  }

  /** The nodes reading `tensor`. */
  consumers(tensor: Tensor): readonly Node[] {
    return tensor.consumers;
  }

  /** Constants read by this graph's nodes (the initializers an export writes). */
  initializers(): Constant[] {
    const seen = new Set<Constant>();
    for (const n of this.nodes) for (const t of n.inputs) if (t.kind === "constant") seen.add(t);
    for (const t of this.outputs) if (t.kind === "constant") seen.add(t);
    return [...seen];
  }

  /**
   * Makes every reader of `old` read `replacement` instead: node inputs and, unless `outputs: false`,
   * graph outputs. Returns the number of node slots rewired.
   */
  replaceAllUses(old: Tensor, replacement: Tensor, options: { outputs?: boolean } = {}): number {
    let count = 0;
    for (const node of [...old.consumers]) {
      node.inputs.forEach((t, i) => {
        if (t === old) {
          node.setInput(i, replacement);
          count++;
        }
      });
    }
    if (options.outputs ?? true) this.outputs = this.outputs.map((t) => t === old ? replacement : t);
    return count;
  }

  /** Inserts `node` into the node list right after `anchor` (at the end when `anchor` is absent). */
  insertNodeAfter(anchor: Node | undefined, node: Node): Node {
    const k = anchor === undefined ? -1 : this.nodes.indexOf(anchor);
    if (k < 0) this.nodes.push(node);
    else this.nodes.splice(k + 1, 0, node);
    return node;
  }

  /** Removes `node` from the graph and disconnects it from its tensors. */
  removeNode(node: Node): void {
    const k = this.nodes.indexOf(node);
    if (k >= 0) this.nodes.splice(k, 1);
    node.disconnect();
  }

  /**
   * Builds a node and adds it to the graph. Inputs may be tensors or `undefined` (omitted optional input).
   * New output variables get unique names derived from the node name.
   */
  addNode(
    op: string,
    inputs: (Tensor | undefined)[],
    attrs: Attributes = {},
    options: AddNodeOptions = {},
  ): Node {
    const name = this.uniqueName(options.name ?? `samq/${op}`);
    const spec = options.outputs ?? 1;
    let outputs: Variable[];
    if (typeof spec === "number") {
      outputs = Array.from({ length: spec }, (_, i) => new Variable(this.uniqueName(`${name}/out${i}`)));
    } else {
      outputs = spec.map((o) => typeof o === "string" ? new Variable(this.uniqueName(o)) : o);
    }
    const node = new Node(op, {
      name,
      domain: options.domain ?? "",
      attrs,
      inputs: inputs.map((t) => t ?? Variable.empty()),
      outputs,
    });
    return this.insertNodeAfter(options.after, node);
  }

  /** A new constant named uniquely after `name` (it joins the graph when a node reads it). */
  addConstant(name: string, values: TensorValues, dims?: number[], dtype?: DataType): Constant {
    return Constant.of(this.uniqueName(name), values, dims, dtype);
  }

  /** A new variable named uniquely after `name`. */
  addVariable(name: string, dtype?: DataType, shape?: Dim[]): Variable {
    return new Variable(this.uniqueName(name), dtype, shape);
  }

  /** `base` if no tensor or node uses it yet, else `base_1`, `base_2`, ...; the result is reserved. */
  uniqueName(base: string): string {
    if (this.#names === undefined) {
      this.#names = new Set(this.tensorNamesUnchecked());
      for (const n of this.nodes) this.#names.add(n.name);
    }
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  /** Drops nodes that no graph output depends on (see {@link cleanupGraph}). */
  cleanup(options: CleanupOptions = {}): this {
    cleanupGraph(this, options);
    return this;
  }

  /** Orders nodes so that every node follows the producers of its inputs (stable otherwise). */
  toposort(): this {
    toposortGraph(this);
    return this;
  }

  /** Inputs, outputs, counts and op census. */
  summary(): GraphSummary {
    return summarizeGraph(this);
  }

  /** Names of all tensors, without the duplicate check. */
  private tensorNamesUnchecked(): string[] {
    const names: string[] = this.inputs.map((t) => t.name);
    for (const n of this.nodes) {
      for (const t of n.inputs) names.push(t.name);
      for (const t of n.outputs) names.push(t.name);
    }
    for (const t of this.outputs) names.push(t.name);
    return names;
  }
}

function describe(t: Tensor): string {
  if (t.kind === "constant") return `an initializer`;
  return t.producer ? `${t.producer.op} node "${t.producer.name}"` : "a graph input";
}
