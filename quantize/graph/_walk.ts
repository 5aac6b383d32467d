/**
 * Internal helpers of the pattern finders: constant inputs, single consumers and short walks through
 * shape-only ops. Not re-exported.
 *
 * @module
 */
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant, Tensor } from "../../onnx/ir/tensor.ts";

/** The constant at input `slot` of `node`, or undefined. */
export function constantInput(node: Node, slot: number): Constant | undefined {
  const t = node.inputs[slot];
  return t !== undefined && t.kind === "constant" ? t : undefined;
}

/** The scalar value of a one-element float constant, or undefined. */
export function scalarValue(t: Tensor | undefined): number | undefined {
  if (t === undefined || t.kind !== "constant" || t.size !== 1) return undefined;
  const v = t.values();
  if (Array.isArray(v)) return undefined;
  return Number(v[0]);
}

/** The only consumer of `t` when it has exactly one and `t` is not a graph output, else undefined. */
export function soleConsumer(t: Tensor, outputs: readonly Tensor[]): Node | undefined {
  if (t.consumers.length !== 1 || outputs.includes(t)) return undefined;
  return t.consumers[0];
}

/** The other input of a binary node (the one that is not `t`), or undefined. */
export function otherInput(node: Node, t: Tensor): Tensor | undefined {
  if (node.inputs.length !== 2) return undefined;
  if (node.inputs[0] === t) return node.inputs[1];
  if (node.inputs[1] === t) return node.inputs[0];
  return undefined;
}

/** The node consuming `t` with op `op`, or undefined. */
export function consumerWithOp(t: Tensor, op: string): Node | undefined {
  return t.consumers.find((n) => n.op === op);
}

/** The int value of attribute `name`, or `fallback`. */
export function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a !== undefined && a.type === "int" ? a.value : fallback;
}

/** The float value of attribute `name`, or `fallback`. */
export function floatAttr(node: Node, name: string, fallback: number): number {
  const a = node.attrs[name];
  return a !== undefined && (a.type === "float" || a.type === "int") ? a.value : fallback;
}

/** The ints value of attribute `name`, or `fallback`. */
export function intsAttr(node: Node, name: string, fallback: number[]): number[] {
  const a = node.attrs[name];
  return a !== undefined && a.type === "ints" ? a.value : fallback;
}

/** The reduction axes of a ReduceMean (attribute before opset 18, second input after). */
export function reduceAxes(node: Node): number[] | undefined {
  const a = node.attrs.axes;
  if (a !== undefined && a.type === "ints") return a.value;
  const c = constantInput(node, 1);
  if (c === undefined) return undefined;
  const v = c.values();
  return Array.isArray(v) ? undefined : Array.from(v, Number);
}
