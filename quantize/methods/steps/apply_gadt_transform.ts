/**
 * Step "fold" of PQ-SAM's GADT (spec §3.3 B): makes the quantizer of a Linear-input site see
 * x̃_c = (x_c − v_c)/s_c while the float function stays the same, in one of two ways:
 *
 * - "layernorm": the site is a LayerNorm output read only by the site's Linears: the transform is folded
 *   into γ, β (γ' = γ/s, β' = (β − v)/s; for the decomposed opset-12 form its final Mul/Add constants)
 *   and the inverse into the Linears (W'[:, c] = s_c·W[:, c], b' = b + W·v) by `applyChannelTransform`;
 *   no node is added;
 * - "explicit": otherwise (the SAM decoder's LayerNorm outputs also feed residual adds and PE adds; a
 *   window partition may sit between LayerNorm and qkv) the producer side cannot absorb the transform,
 *   so a per-channel affine x̃ = x·(1/s) + (−v/s) is inserted in front of the site's Linears only (nodes
 *   `samq.gadt/<id>/scale` (Mul) and `samq.gadt/<id>/shift` (Add), the "per-channel requant constant" of
 *   spec §3.3 B) and the inverse is folded into the Linears the same way. Other readers of x (residual
 *   adds) keep reading x. The inserted affine plays the role of the LayerNorm affine in
 *   `applyChannelTransform` (a Mul/Add pair with γ = 1, β = 0 before folding).
 *
 * Channels are the last axis (the Linear-input layout). Returns the site to quantize: the same site for
 * "layernorm", a copy reading the affine's output (same id and consumers) for "explicit".
 *
 * @module
 */
import type { Graph } from "../../../onnx/ir/graph.ts";
import { applyChannelTransform, channelTransformBlocker } from "../../graph/apply_channel_transform.ts";
import type { LayerNormRecord } from "../../graph/types.ts";
import type { ActivationSite } from "../../insert/plan_quantizers.ts";

/** How a transform was applied. */
export type GadtFoldKind = "layernorm" | "explicit";

/** Result of {@link applyGadtTransform}. */
export interface AppliedGadtTransform {
  kind: GadtFoldKind;
  /** The site whose tensor now carries x̃ (quantize this one). */
  site: ActivationSite;
  /** The LayerNorm's first node, or the inserted Mul. */
  anchor: string;
  /** Why the LayerNorm could not take the transform (explicit only; absent when there was none). */
  reason?: string;
}

/** Prefix of the nodes GADT inserts (not quantizers: the audit's census ignores them). */
export const GADT_PREFIX = "samq.gadt/";

/**
 * Applies x̃ = (x − shift)/scale (per last-axis channel; scale > 0) to `site` in `graph`, in place.
 * With `explicit: false`, a site whose LayerNorm cannot take it is left unchanged and undefined returned.
 */
export function applyGadtTransform(
  graph: Graph,
  site: ActivationSite,
  shift: ArrayLike<number>,
  scale: ArrayLike<number>,
  options: { explicit: boolean },
): AppliedGadtTransform | undefined {
  const ln = site.layerNorm;
  let reason: string | undefined;
  if (ln === undefined) reason = "no LayerNorm produces it";
  else if (ln.axis !== -1) reason = `its LayerNorm normalizes axis ${ln.axis}, not the last`;
  else reason = channelTransformBlocker(graph, ln, site.linears);
  if (ln !== undefined && reason === undefined) {
    applyChannelTransform(graph, ln, site.linears, shift, scale);
    return { kind: "layernorm", site, anchor: ln.node.name };
  }
  if (!options.explicit) return undefined;
  const C = shift.length;
  const x = site.tensor;
  const mul = graph.addNode(
    "Mul",
    [x, graph.addConstant(`${GADT_PREFIX}${site.id}/gamma`, new Float32Array(C).fill(1), [C])],
    {},
    {
      name: `${GADT_PREFIX}${site.id}/scale`,
      ...(x.producer ? { after: x.producer } : {}),
    },
  );
  const add = graph.addNode(
    "Add",
    [mul.outputs[0]!, graph.addConstant(`${GADT_PREFIX}${site.id}/beta`, new Float32Array(C), [C])],
    {},
    {
      name: `${GADT_PREFIX}${site.id}/shift`,
      after: mul,
    },
  );
  mul.outputs[0]!.dtype = "float32";
  const y = add.outputs[0]!;
  y.dtype = "float32";
  for (const node of site.consumers) node.inputs.forEach((t, i) => t === x && node.setInput(i, y));
  const affine: LayerNormRecord = {
    form: "op",
    nodes: [mul, add],
    node: mul,
    input: x,
    output: y,
    axis: -1,
    channels: C,
    epsilon: 0,
    gamma: { node: mul, slot: 1 },
    beta: { node: add, slot: 1 },
    scope: site.linears[0]!.scope,
  };
  applyChannelTransform(graph, affine, site.linears, shift, scale);
  graph.toposort();
  return { kind: "explicit", site: { ...site, tensor: y }, anchor: mul.name, ...(reason ? { reason } : {}) };
}
