/**
 * Records returned by the pattern finders (`find_*.ts`): typed views of the SAM graph structures that
 * quantization works on. Records hold references to the IR {@link Node}s and tensors of one graph; they
 * stay valid while that graph is edited in place (folding replaces constants in node input slots, so code
 * that needs the current weight reads `node.inputs[slot]`, never a cached constant).
 *
 * Layouts of Linear weights (row-major):
 *
 * | layout   | source                              | dims                      | output-channel axis |
 * |----------|-------------------------------------|---------------------------|---------------------|
 * | "in-out" | MatMul(x, W); Gemm transB = 0        | [in, out]                 | 1                   |
 * | "out-in" | Gemm transB = 1                      | [out, in]                 | 0                   |
 * | "conv"   | Conv W                               | [out, in/group, kh, kw]   | 0                   |
 *
 * @module
 */
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant, Tensor, Variable } from "../../onnx/ir/tensor.ts";

/** The two graphs of a SAM model. */
export const MODEL_PARTS = ["encoder", "decoder"] as const;
/** One of {@link MODEL_PARTS}. */
export type ModelPart = typeof MODEL_PARTS[number];

/** Where a record sits and whether it stays float unless the options say otherwise. */
export interface ScopeTag {
  part: ModelPart;
  /** True for the patch embedding, the prompt encoder and the decoder's output heads (spec §4.1). */
  floatByDefault: boolean;
  /** The rule that made it float ("patch embedding", "prompt encoder", "output head"); absent otherwise. */
  reason?: string;
}

/** Weight layouts, see the module table. */
export type WeightLayout = "in-out" | "out-in" | "conv";

/** A Linear layer: MatMul with a constant weight (+ Add bias), Gemm, or Conv (1×1 or k×k). */
export interface LinearRecord {
  op: "MatMul" | "Gemm" | "Conv";
  /** The MatMul/Gemm/Conv node. */
  node: Node;
  /** Input slot of the weight on `node` (1 for all three ops). */
  weightSlot: 1;
  /** The activation input x (slot 0). */
  input: Variable;
  layout: WeightLayout;
  /** Input and output features (Conv: in = channels per group × group). */
  dims: { in: number; out: number };
  /** Output-channel axis of the weight (per-channel weight quantization). */
  weightAxis: number;
  /** Where the bias lives: the Add after a MatMul (slot of the constant), or slot 2 of Gemm/Conv. */
  bias?: { node: Node; slot: number };
  /** The layer's output (after the bias Add for MatMul). */
  output: Variable;
  /** Conv attributes (absent for MatMul/Gemm). */
  conv?: { kernel: number[]; group: number; pads: number[]; strides: number[] };
  /** Gemm α and β (absent otherwise). */
  gemm?: { alpha: number; beta: number };
  /** The LayerNorm whose output is exactly `input`, if any. */
  layerNorm?: LayerNormRecord;
  scope: ScopeTag;
}

/** A LayerNorm: the `LayerNormalization` op or the decomposed opset-12 form. */
export interface LayerNormRecord {
  form: "op" | "decomposed";
  /** All nodes of the pattern, input side first. */
  nodes: Node[];
  /** First node (ReduceMean or LayerNormalization); its name identifies the record. */
  node: Node;
  input: Tensor;
  output: Variable;
  /** Normalized axis as written in the graph (−1 for token-major, 1 for LayerNorm2d over NCHW). */
  axis: number;
  /** Channels C (length of γ). */
  channels: number;
  epsilon: number;
  /** Where γ and β live: node and input slot (LayerNormalization: slots 1, 2; decomposed: Mul, Add). */
  gamma?: { node: Node; slot: number };
  beta?: { node: Node; slot: number };
  scope: ScopeTag;
}

/** A Softmax node. */
export interface SoftmaxRecord {
  node: Node;
  input: Variable;
  output: Variable;
  axis: number;
  scope: ScopeTag;
}

/** GELU in the exact Erf form: x·0.5·(1 + erf(x/√2)). */
export interface GeluRecord {
  /** The Erf node. */
  node: Node;
  input: Tensor;
  /** Output of the last Mul (or of the Add when the pattern is not closed). */
  output: Variable;
  scope: ScopeTag;
}

/** One attention: q·kᵀ → (scale, bias) → Softmax → probs·v. */
export interface AttentionRecord {
  /** MatMul(q, kᵀ) with two variable inputs. */
  qk: Node;
  softmax: Node;
  /** MatMul(probs, v). */
  av: Node;
  /** Inputs of `qk` (q may already be scaled; k may be transposed): the tensors quantized as q and k. */
  q: Variable;
  k: Variable;
  /** Inputs of `av`: the probabilities (quantized by the post-softmax quantizer) and v. */
  probs: Variable;
  v: Variable;
  scope: ScopeTag;
}

/** Everything the finders report for one graph. */
export interface GraphPatterns {
  part: ModelPart;
  linears: LinearRecord[];
  layerNorms: LayerNormRecord[];
  softmaxes: SoftmaxRecord[];
  gelus: GeluRecord[];
  attentions: AttentionRecord[];
  /** MatMuls with two variable inputs that are not part of an attention (e.g. SAM's hypernetwork product). */
  otherMatMuls: Node[];
}

/** Scope tagger signature used by the finders. */
export type ScopeTagger = (node: Node, constants?: readonly Constant[]) => ScopeTag;
