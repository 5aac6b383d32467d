import { attr } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

Deno.test("Reshape, Flatten, Squeeze and Unsqueeze rules reshape the gradient back", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 1, 6] } },
    build: (g, x) => [
      g.addNode("Reshape", [x.x!, g.addConstant("s", BigInt64Array.of(3n, -1n))]).outputs[0]!,
      g.addNode("Flatten", [x.x!], { axis: attr.int(2) }).outputs[0]!,
      g.addNode("Squeeze", [x.x!, g.addConstant("a", BigInt64Array.of(1n))]).outputs[0]!,
      g.addNode("Unsqueeze", [x.x!, g.addConstant("b", BigInt64Array.of(0n, 4n))]).outputs[0]!,
    ],
  });
});

Deno.test("Squeeze and Unsqueeze rules work with attribute axes (opset 12)", async () => {
  await gradCheck({
    dtype: "float64",
    opset: 12,
    inputs: { x: { dims: [2, 1, 3] } },
    build: (g, x) => [
      g.addNode("Squeeze", [x.x!], { axes: attr.ints([1]) }).outputs[0]!,
      g.addNode("Unsqueeze", [x.x!], { axes: attr.ints([0]) }).outputs[0]!,
    ],
  });
});

Deno.test("Transpose rule applies the inverse permutation", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 3, 4] } },
    build: (g, x) => [
      g.addNode("Transpose", [x.x!], { perm: attr.ints([1, 2, 0]) }).outputs[0]!,
      g.addNode("Transpose", [x.x!]).outputs[0]!,
    ],
  });
});

Deno.test("Expand rule sums the gradient over the broadcast axes", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [3, 1] } },
    build: (g, x) =>
      g.addNode("Expand", [x.x!, g.addConstant("s", BigInt64Array.of(2n, 3n, 4n))]).outputs[0]!,
  });
});

Deno.test("Tile rule sums the gradient over the copies", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 3] } },
    build: (g, x) => g.addNode("Tile", [x.x!, g.addConstant("r", BigInt64Array.of(3n, 2n))]).outputs[0]!,
  });
});
