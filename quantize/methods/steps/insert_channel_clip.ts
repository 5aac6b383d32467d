/**
 * Step "truncate" of PQ-SAM (spec §3.3 C, §13 item 2, option `truncation: "forward"`): clips the tensor a
 * quantizer reads to the stage-1 IQR fence T = [lo, hi] in the forward pass, x ← min(max(x, lo), hi), in
 * front of the site's consumers only. After GADT the quantizer reads x̃_c = (x_c − v_c)/s_c, so the fence
 * becomes per channel, [(lo − v_c)/s_c, (hi − v_c)/s_c] (s_c > 0), emitted as `Min` then `Max` with
 * constants of shape [C] broadcast along the last axis (ONNX `Clip` takes scalar bounds only; Min/Max
 * run on every EP). Nodes `samq.gadt/<id>/clip_hi` and `samq.gadt/<id>/clip_lo`.
 *
 * The clip changes the float function by design, so it is inserted after the folded-float snapshot
 * (the audit's folding check covers the exact transforms only).
 *
 * @module
 */
import type { Graph } from "../../../onnx/ir/graph.ts";
import type { ActivationSite } from "../../insert/plan_quantizers.ts";
import { GADT_PREFIX } from "./apply_gadt_transform.ts";

/** Inserts the clip of `site.tensor` to [lo_c, hi_c]; returns a copy of the site reading the clipped tensor. */
export function insertChannelClip(
  graph: Graph,
  site: ActivationSite,
  lo: Float32Array,
  hi: Float32Array,
): ActivationSite {
  const C = lo.length;
  const x = site.tensor;
  const min = graph.addNode("Min", [x, graph.addConstant(`${GADT_PREFIX}${site.id}/fence_hi`, hi, [C])], {}, {
    name: `${GADT_PREFIX}${site.id}/clip_hi`,
    ...(x.producer ? { after: x.producer } : {}),
  });
  const max = graph.addNode(
    "Max",
    [min.outputs[0]!, graph.addConstant(`${GADT_PREFIX}${site.id}/fence_lo`, lo, [C])],
    {},
    {
      name: `${GADT_PREFIX}${site.id}/clip_lo`,
      after: min,
    },
  );
  min.outputs[0]!.dtype = "float32";
  const y = max.outputs[0]!;
  y.dtype = "float32";
  for (const node of site.consumers) node.inputs.forEach((t, i) => t === x && node.setInput(i, y));
  graph.toposort();
  return { ...site, tensor: y };
}
