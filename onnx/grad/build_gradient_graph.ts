/**
 * Reverse-mode differentiation of ONNX graphs: from a forward graph with a scalar loss, a new graph that
 * outputs the loss and ∂loss/∂p for each parameter p, runnable by any ONNX Runtime.
 *
 * Algorithm:
 * 1. Copy the part of the forward graph that computes the loss (and `keepOutputs`); initializers to
 *    differentiate become graph inputs of the same name, so the host can feed new values every step.
 * 2. Mark the tensors that depend on a parameter (float dtype only) and the nodes the loss depends on;
 *    their intersection is the region to differentiate.
 * 3. Make shapes static: region tensors without a static shape are captured by one forward run
 *    (`inferShapes`), and shape-derived integer inputs that rules read (pads, axes, indices) are evaluated
 *    in one more run.
 * 4. Walk the region in reverse topological order. Seed ∂loss/∂loss = 1; a tensor read by several nodes
 *    gets the `Sum` of their contributions; each node's rule (registry in `rules/mod.ts`) turns its output
 *    gradients into input gradients. An op without a rule is an error naming the node.
 * 5. Output `[loss, grad/<p> for each p in wrt, ...keepOutputs]`.
 *
 * The gradient graph keeps the forward graph's opset; rules emit the op forms that opset defines.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../ir/graph.ts";
import type { Node } from "../ir/node.ts";
import { type Constant, type Tensor, Variable } from "../ir/tensor.ts";
import { extractSubgraph } from "../passes/extract_subgraph.ts";
import { inferShapes } from "../passes/infer_shapes.ts";
import { captureValues, forwardFeeds } from "./_forward_run.ts";
import { GRAD_DTYPES, GradContext } from "./grad_context.ts";
import { differentiable, neededInputs, nodesReaching, staticVariables } from "./_region.ts";
import type { GradientRule } from "./gradient_rule.ts";
import { GRADIENT_RULES } from "./rules/mod.ts";

/** Options of {@link buildGradientGraph}. */
export interface BuildGradientGraphOptions {
  /** Name of the loss tensor: float, one element (shape [] or all ones). */
  loss: string;
  /**
   * Tensors to differentiate with respect to: float graph inputs or initializers. Initializers become
   * graph inputs of the same name (read their initial values from the forward graph's constants).
   */
  wrt: readonly string[];
  /**
   * Forward tensors to output after the loss and the gradients.
   * @default []
   */
  keepOutputs?: readonly string[];
  /**
   * Feeds for the forward runs that capture missing shapes and shape-derived values. Default: the values
   * of promoted initializers and zeros for every other input (which then needs a static shape).
   */
  feeds?: Record<string, ort.Tensor>;
  /**
   * Give parameters the loss does not depend on a zero gradient instead of failing (e.g. quantizers of
   * a head the loss does not cover).
   * @default false
   */
  allowUnused?: boolean;
  /**
   * Rules added to (or replacing) the built-in registry, by op type.
   * @default {}
   */
  rules?: Record<string, GradientRule>;
}

/** The name of the gradient output for parameter `name`. */
export function gradientName(name: string): string {
  return `grad/${name}`;
}

/**
 * Builds the gradient graph of `graph` (see the module doc); `graph` is not modified.
 *
 * @throws {SamqError} `invalid_argument` for unknown or non-float names, a non-scalar loss or a parameter
 * the loss does not depend on; `invalid_model` for an op without a rule (naming the node) or a shape that
 * cannot be made static.
 */
export async function buildGradientGraph(graph: Graph, options: BuildGradientGraphOptions): Promise<Graph> {
  const { feeds = {}, allowUnused = false, rules = {} } = options;
  const registry: Record<string, GradientRule> = { ...GRADIENT_RULES, ...rules };
  const { g, params, promoted } = copyForward(graph, options);
  const reserved = params.map((p) => {
    const name = g.uniqueName(gradientName(p.name));
    if (name !== gradientName(p.name)) throw badArg(`the graph already has a tensor "${name}"`, p.name);
    return name;
  });
  const lossTensor = g.outputs[0]!;
  const reaches = nodesReaching(lossTensor);
  const runFeeds = () => forwardFeeds(g, feeds, promoted);
  await captureShapes(g, differentiable(g, params, reaches, false).nodes, lossTensor, runFeeds);
  const region = differentiable(g, params, reaches, true);
  checkLoss(lossTensor);
  const values = await captureValues(g, staticVariables(region.nodes, registry), runFeeds());
  const ctx = new GradContext(g, values as Map<Tensor, number[]>);
  const total = reversePass(ctx, region, lossTensor, registry);
  // Outputs: loss, grad/<p> (an Identity so that the name is exact), kept outputs.
  const gradOutputs = params.map((p, i) => {
    let d = total(p);
    if (d === undefined) {
      if (!allowUnused) throw badArg(`the loss does not depend on parameter "${p.name}"`, p.name);
      d = ctx.zeros(ctx.shape(p), ctx.dtype(p));
    }
    const out = new Variable(reserved[i]!, p.dtype, p.shape ? [...p.shape] : undefined);
    g.addNode("Identity", [d], {}, { name: `grad/${p.name}/out`, outputs: [out] });
    return out;
  });
  g.outputs = [lossTensor, ...gradOutputs, ...g.outputs.slice(1)];
  return g.cleanup().toposort();
}

/**
 * Step 1: validates the names and copies what computes the loss and the kept outputs; parameter
 * initializers become inputs of the copy (`promoted` keeps their original constants for feeds).
 */
function copyForward(
  graph: Graph,
  options: BuildGradientGraphOptions,
): { g: Graph; params: Variable[]; promoted: Map<string, Constant> } {
  const { loss, wrt, keepOutputs = [], allowUnused = false } = options;
  const all = graph.tensors();
  const lookup = (name: string, what: string): Tensor => {
    const t = all.get(name);
    if (t === undefined) throw badArg(`${what} "${name}" is not a tensor of the graph`, name);
    return t;
  };
  lookup(loss, "loss");
  for (const n of keepOutputs) lookup(n, "kept output");
  const outputs = [loss, ...keepOutputs.filter((n) => n !== loss)];
  for (const name of wrt) {
    const t = lookup(name, "parameter");
    if (t.producer !== undefined) {
      throw badArg(`parameter "${name}" is computed by a node; use an input`, name);
    }
    if (t.dtype !== undefined && !GRAD_DTYPES.includes(t.dtype)) {
      throw badArg(`parameter "${name}" has dtype "${t.dtype}", not a float type`, name);
    }
  }
  const needed = neededInputs(graph, outputs.map((n) => all.get(n)!));
  const inputNames = graph.inputs.filter((t) => needed.has(t) || wrt.includes(t.name)).map((t) => t.name);
  const g = extractSubgraph(graph, inputNames, outputs);
  const copied = g.tensors();
  const promoted = new Map<string, Constant>();
  for (const name of wrt) {
    const original = all.get(name)!;
    if (original.kind !== "constant") continue;
    const c = copied.get(name); // absent: the loss does not read it
    if (c === undefined && !allowUnused) {
      throw badArg(`the loss does not depend on parameter "${name}"`, name);
    }
    const v = new Variable(name, original.dtype, [...original.dims]);
    if (c !== undefined) g.replaceAllUses(c, v);
    g.inputs.push(v);
    promoted.set(name, original);
  }
  return { g, params: wrt.map((n) => g.inputs.find((t) => t.name === n)!), promoted };
}

/** Step 3: records dtype and static shape of the region's tensors (and the loss) by one forward run. */
async function captureShapes(
  g: Graph,
  nodes: readonly Node[],
  loss: Tensor,
  feeds: () => Record<string, ort.Tensor>,
): Promise<void> {
  const unknown = new Set<Variable>();
  const isUnknown = (t: Tensor) =>
    t.kind === "variable" && !t.isEmpty && (!t.isStatic || t.dtype === undefined);
  for (const n of nodes) {
    for (const t of [...n.inputs, ...n.outputs]) if (isUnknown(t)) unknown.add(t as Variable);
  }
  if (isUnknown(loss)) unknown.add(loss as Variable);
  if (unknown.size === 0) return;
  // inferShapes leaves graph outputs alone; detach them so that the loss and kept outputs are captured too.
  const outs = g.outputs;
  g.outputs = [];
  try {
    await inferShapes(g, { feeds: feeds(), tensors: [...unknown].map((t) => t.name) });
  } finally {
    g.outputs = outs;
  }
}

/**
 * Step 4: seeds ∂loss/∂loss = 1 and runs every region node's rule in reverse topological order. Returns
 * the accumulated gradient of a tensor (a `Sum` of its contributions), undefined when none reached it.
 */
function reversePass(
  ctx: GradContext,
  region: { tensors: Set<Tensor>; nodes: Node[] },
  loss: Tensor,
  registry: Record<string, GradientRule>,
): (t: Tensor) => Tensor | undefined {
  const grads = new Map<Tensor, Tensor[]>();
  const push = (t: Tensor, d: Tensor) => grads.set(t, [...(grads.get(t) ?? []), d]);
  const total = (t: Tensor): Tensor | undefined => {
    const list = grads.get(t);
    return list === undefined ? undefined : ctx.sum(list);
  };
  push(loss, ctx.constant([1], ctx.dtype(loss), ctx.shape(loss)));
  for (const node of [...region.nodes].reverse()) {
    const dY = node.outputs.map((t) => (region.tensors.has(t) ? total(t) : undefined));
    if (dY.every((d) => d === undefined)) continue;
    ctx.node = node;
    const rule = node.domain === "" || node.domain === "ai.onnx" ? registry[node.op] : undefined;
    if (rule === undefined) {
      throw ctx.error(`op "${node.domain ? node.domain + "." : ""}${node.op}" has no gradient rule`);
    }
    const needs = node.inputs.map((t) => region.tensors.has(t));
    const dX = rule.grad(ctx, node, dY, needs);
    node.inputs.forEach((t, i) => {
      const d = dX[i];
      if (!needs[i] || d === undefined) return;
      checkGradShape(ctx, t, d);
      push(t, d);
    });
  }
  ctx.node = undefined;
  return total;
}

function badArg(message: string, field: string): SamqError {
  return new SamqError("invalid_argument", `Cannot build the gradient graph: ${message}`, { field });
}

function checkLoss(t: Tensor): void {
  const shape = t.shape;
  if (shape === undefined || !shape.every((d) => d === 1)) {
    throw badArg(`loss "${t.name}" must have one element, got shape [${shape?.join(",") ?? "?"}]`, t.name);
  }
  if (t.dtype === undefined || !GRAD_DTYPES.includes(t.dtype)) {
    throw badArg(`loss "${t.name}" has dtype "${t.dtype}", not a float type`, t.name);
  }
}

function checkGradShape(ctx: GradContext, t: Tensor, d: Tensor): void {
  const want = ctx.shape(t);
  const got = d.shape;
  if (got !== undefined && (got.length !== want.length || got.some((v, i) => v !== want[i]))) {
    throw new Error(
      `Gradient rule for ${ctx.node?.op} "${ctx.node?.name}" returned shape [${got.join(",")}] for ` +
        `"${t.name}" of shape [${want.join(",")}]`,
    );
  }
}
