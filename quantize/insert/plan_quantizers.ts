/**
 * Quantizer placement (PTQ4SAM/QDrop, spec §4.1): an activation quantizer on the input of every Linear
 * and Conv in scope, on q, k and v after their projections (the inputs of q·kᵀ and probs·v), and on the
 * softmax output (the probs input of probs·v); a weight quantizer on every Linear/Conv in scope.
 *
 * One quantizer per tensor: a tensor read by several in-scope layers (SAM's decoder feeds q/k/v
 * projections from one tensor) gets one activation site whose `consumers` are exactly those layers;
 * other readers (residual adds, graph outputs) keep the float tensor. The site id is the tensor name; a
 * weight site id is the weight constant's name at planning time.
 *
 * Float by default (not planned unless `includeFloatParts`): the records whose scope tag says so (patch
 * embedding, prompt encoder, output heads; `scope_rules.ts`).
 *
 * @module
 */
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant, Variable } from "../../onnx/ir/tensor.ts";
import type { GraphPatterns, LayerNormRecord, LinearRecord, ModelPart } from "../graph/types.ts";

/** Why an activation is quantized. */
export const ACTIVATION_ROLES = ["linear-input", "attn-q", "attn-k", "attn-v", "attn-probs"] as const;
/** One of {@link ACTIVATION_ROLES}. */
export type ActivationRole = typeof ACTIVATION_ROLES[number];

/** One activation quantizer to place. */
export interface ActivationSite {
  /** Quantizer id: the tensor name. */
  id: string;
  part: ModelPart;
  tensor: Variable;
  /** Nodes rewired to the quantized tensor. */
  consumers: Node[];
  roles: ActivationRole[];
  /** Linears among the consumers. */
  linears: LinearRecord[];
  /** The LayerNorm that produces `tensor`, when there is one. */
  layerNorm?: LayerNormRecord;
}

/** One weight quantizer to place. */
export interface WeightSite {
  /** Quantizer id: the weight constant's name. */
  id: string;
  part: ModelPart;
  /** The first Linear reading the weight. */
  linear: LinearRecord;
  /** Every in-scope Linear reading this weight constant (usually just `linear`). */
  linears: LinearRecord[];
}

/** Everything to quantize in one graph. */
export interface QuantizerPlan {
  part: ModelPart;
  activations: ActivationSite[];
  weights: WeightSite[];
}

/** Options of {@link planQuantizers}. */
export interface PlanOptions {
  /** Also quantize the float-by-default parts (patch embedding, prompt encoder, heads). @default false */
  includeFloatParts?: boolean;
  /** Quantize q, k, v and the softmax output. @default true */
  attention?: boolean;
}

/** Plans the quantizers of one graph from its patterns. */
export function planQuantizers(patterns: GraphPatterns, options: PlanOptions = {}): QuantizerPlan {
  const includeFloat = options.includeFloatParts ?? false;
  const inScope = (s: { scope: { floatByDefault: boolean } }) => includeFloat || !s.scope.floatByDefault;
  const sites = new Map<Variable, ActivationSite>();
  const lnByOutput = new Map(patterns.layerNorms.map((ln) => [ln.output as Variable, ln]));
  const add = (tensor: Variable, consumer: Node, role: ActivationRole, linear?: LinearRecord) => {
    let site = sites.get(tensor);
    if (site === undefined) {
      site = { id: tensor.name, part: patterns.part, tensor, consumers: [], roles: [], linears: [] };
      const ln = lnByOutput.get(tensor);
      if (ln !== undefined) site.layerNorm = ln;
      sites.set(tensor, site);
    }
    if (!site.consumers.includes(consumer)) site.consumers.push(consumer);
    if (!site.roles.includes(role)) site.roles.push(role);
    if (linear !== undefined && !site.linears.includes(linear)) site.linears.push(linear);
  };
  const weights: WeightSite[] = [];
  const byWeight = new Map<Constant, WeightSite>();
  for (const lin of patterns.linears.filter(inScope)) {
    add(lin.input, lin.node, "linear-input", lin);
    const w = lin.node.inputs[lin.weightSlot] as Constant;
    const seen = byWeight.get(w);
    if (seen !== undefined) {
      seen.linears.push(lin);
      continue;
    }
    const site: WeightSite = { id: w.name, part: patterns.part, linear: lin, linears: [lin] };
    byWeight.set(w, site);
    weights.push(site);
  }
  if (options.attention ?? true) {
    for (const a of patterns.attentions.filter(inScope)) {
      add(a.q, a.qk, "attn-q");
      add(a.k, a.qk, "attn-k");
      add(a.probs, a.av, "attn-probs");
      add(a.v, a.av, "attn-v");
    }
  }
  return { part: patterns.part, activations: [...sites.values()], weights };
}
