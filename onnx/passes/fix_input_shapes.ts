/**
 * Fixing dynamic input dimensions.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../ir/graph.ts";
import type { Dim } from "../ir/tensor.ts";

/** What {@link fixInputShapes} changed: input name → [old shape, new shape]. */
export type FixInputShapesReport = Record<string, [Dim[] | undefined, number[]]>;

/**
 * Sets the shapes of graph inputs, e.g. `{ input: [1, 3, 1024, 1024] }`. A given shape must keep the
 * rank and every already static dimension. Intermediate shapes are not touched: run `inferShapes`
 * afterwards (and `foldConstants` to fold the shape computations that became constant).
 */
export function fixInputShapes(graph: Graph, shapes: Record<string, number[]>): FixInputShapesReport {
  const report: FixInputShapesReport = {};
  for (const [name, dims] of Object.entries(shapes)) {
    const input = graph.inputs.find((t) => t.name === name);
    if (input === undefined) {
      throw new SamqError(
        "invalid_argument",
        `Cannot fix the shape of "${name}": the graph has no such input (inputs: ${
          graph.inputs.map((t) => t.name).join(", ")
        })`,
        { field: name },
      );
    }
    const old = input.shape;
    const compatible = old === undefined ||
      (old.length === dims.length && old.every((d, i) => typeof d !== "number" || d === dims[i]));
    if (!compatible || dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new SamqError(
        "invalid_argument",
        `Cannot fix the shape of "${name}" to [${dims.join(",")}]: it is [${
          old?.map((d) => d ?? "?").join(",")
        }]`,
        { field: name },
      );
    }
    input.shape = [...dims];
    report[name] = [old, [...dims]];
  }
  return report;
}
