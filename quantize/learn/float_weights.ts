/**
 * The float value of each weight quantizer: the weight its first consumer reads in the float graph
 * after folding (the method's `foldedFloat` snapshot), found by the consumer's node name.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";

/** A lookup of float weights in `floatGraph` (throws `invalid_model` naming the record when absent). */
export function floatWeightsOf(
  floatGraph: Graph,
): (record: QuantizerRecord) => { values: Float32Array; dims: number[] } {
  const nodes = new Map(floatGraph.nodes.map((n) => [n.name, n]));
  return (r) => {
    const w = nodes.get(r.consumers[0] ?? "")?.inputs[1];
    if (w === undefined || w.kind !== "constant" || w.dtype !== "float32") {
      throw new SamqError(
        "invalid_model",
        `Cannot find the float weight of quantizer "${r.id}" in the folded float graph`,
        {
          field: r.id,
        },
      );
    }
    return { values: w.values() as Float32Array, dims: [...w.dims] };
  };
}
