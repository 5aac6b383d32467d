/**
 * A node of the graph IR. Its input and output lists are only changed through the methods below, which
 * keep every tensor's `producer` and `consumers` consistent.
 *
 * @module
 */
import type { Attributes } from "./attribute.ts";
import { type Tensor, Variable } from "./tensor.ts";

/** Options for a new {@link Node}. */
export interface NodeInit {
  name?: string;
  domain?: string;
  attrs?: Attributes;
  inputs?: Tensor[];
  outputs?: Variable[];
  docString?: string;
}

/** An operator application: `outputs = op(inputs; attrs)`. */
export class Node {
  op: string;
  name: string;
  /** Operator-set domain; "" is the default ONNX domain (ai.onnx). */
  domain: string;
  attrs: Attributes;
  docString: string;
  /** ONNX `NodeProto` fields kept for round-tripping (overload, metadata_props). */
  extra: { overload?: string; metadata?: [string, string][] } = {};
  #inputs: Tensor[] = [];
  #outputs: Variable[] = [];

  constructor(op: string, init: NodeInit = {}) {
    this.op = op;
    this.name = init.name ?? "";
    this.domain = init.domain ?? "";
    this.attrs = init.attrs ?? {};
    this.docString = init.docString ?? "";
    if (init.inputs) this.setInputs(init.inputs);
    if (init.outputs) this.setOutputs(init.outputs);
  }

  /** Input tensors in slot order (omitted optional inputs are empty variables). */
  get inputs(): readonly Tensor[] {
    return this.#inputs;
  }

  /** Output tensors in slot order. */
  get outputs(): readonly Variable[] {
    return this.#outputs;
  }

  /** Replaces input slot `i` (appends when `i` equals the input count). */
  setInput(i: number, tensor: Tensor): void {
    if (i < 0 || i > this.#inputs.length) throw new RangeError(`Input slot ${i} out of range`);
    const old = this.#inputs[i];
    this.#inputs[i] = tensor;
    if (old !== undefined && old !== tensor) this.#release(old);
    if (!tensor.consumers.includes(this)) tensor.consumers.push(this);
  }

  /** Replaces all inputs. */
  setInputs(tensors: readonly Tensor[]): void {
    const old = this.#inputs;
    this.#inputs = [...tensors];
    for (const t of old) this.#release(t);
    for (const t of this.#inputs) if (!t.consumers.includes(this)) t.consumers.push(this);
  }

  /** Replaces output slot `i` (appends when `i` equals the output count). */
  setOutput(i: number, tensor: Variable): void {
    if (i < 0 || i > this.#outputs.length) throw new RangeError(`Output slot ${i} out of range`);
    claim(tensor, this);
    const old = this.#outputs[i];
    this.#outputs[i] = tensor;
    if (old !== undefined && old !== tensor && !this.#outputs.includes(old)) old.producer = undefined;
  }

  /** Replaces all outputs. */
  setOutputs(tensors: readonly Variable[]): void {
    for (const t of tensors) claim(t, this);
    for (const t of this.#outputs) if (!tensors.includes(t)) t.producer = undefined;
    this.#outputs = [...tensors];
  }

  /** Detaches the node from all its tensors (it no longer consumes or produces anything). */
  disconnect(): void {
    this.setInputs([]);
    this.setOutputs([]);
  }

  /** Removes this node from `tensor.consumers` unless another slot still reads it. */
  #release(tensor: Tensor): void {
    if (this.#inputs.includes(tensor)) return;
    const k = tensor.consumers.indexOf(this);
    if (k >= 0) tensor.consumers.splice(k, 1);
  }

  toString(): string {
    const ins = this.#inputs.map((t) => t.name).join(", ");
    const outs = this.#outputs.map((t) => t.name).join(", ");
    return `${this.op} ${JSON.stringify(this.name)} (${ins}) -> (${outs})`;
  }
}

function claim(tensor: Variable, node: Node): void {
  if (tensor.producer !== undefined && tensor.producer !== node) {
    throw new Error(
      `Tensor "${tensor.name}" is already produced by ${tensor.producer.op} "${tensor.producer.name}"`,
    );
  }
  if (!(tensor instanceof Variable)) throw new Error(`Node outputs must be variables`);
  tensor.producer = node;
}
