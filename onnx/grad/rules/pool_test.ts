import assert from "node:assert/strict";
import { attr } from "../../ir/attribute.ts";
import { Graph } from "../../ir/graph.ts";
import { Variable } from "../../ir/tensor.ts";
import { SamqError } from "../../../util/errors.ts";
import { buildGradientGraph } from "../build_gradient_graph.ts";
import { gradCheck } from "../_testing.ts";

Deno.test("MaxPool rule matches finite differences for Hiera's 2×2 stride-2 query pooling", async () => {
  await gradCheck({
    dtype: "float32",
    inputs: { x: { dims: [1, 3, 4, 6] } },
    build: (g, x) =>
      g.addNode("MaxPool", [x.x!], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) })
        .outputs[0]!,
  });
});

Deno.test("MaxPool rule adds the gradients of overlapping windows (3×3, stride 1, padded)", async () => {
  // float64: the finite-difference step stays far below the gaps between window maxima.
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 2, 5, 5] } },
    build: (g, x) =>
      g.addNode("MaxPool", [x.x!], {
        kernel_shape: attr.ints([3, 3]),
        strides: attr.ints([1, 1]),
        pads: attr.ints([1, 1, 1, 1]),
      }).outputs[0]!,
  });
});

Deno.test("MaxPool rule refuses graphs below opset 16 with a clear error", async () => {
  const g = new Graph({ opset: { "": 13 } });
  const x = new Variable("x", "float32", [1, 1, 4, 4]);
  g.inputs = [x];
  const y = g.addNode("MaxPool", [x], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) })
    .outputs[0]!;
  y.dtype = "float32";
  y.shape = [1, 1, 2, 2];
  const loss = g.addNode("ReduceSum", [y], { keepdims: attr.int(0) }).outputs[0]!;
  loss.dtype = "float32";
  loss.shape = [];
  g.outputs = [loss];
  await assert.rejects(
    () => buildGradientGraph(g, { loss: loss.name, wrt: ["x"] }),
    (e: unknown) => e instanceof SamqError && /opset 16/.test(e.message),
  );
});
