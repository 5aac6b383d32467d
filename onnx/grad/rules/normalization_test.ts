import { attr } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

Deno.test("Softmax rule matches finite differences on one axis (opset 13+)", async () => {
  for (const axis of [-1, 1]) {
    await gradCheck({
      dtype: "float64",
      inputs: { x: { dims: [2, 3, 4], lo: -2, hi: 2 } },
      build: (g, x) => g.addNode("Softmax", [x.x!], { axis: attr.int(axis) }).outputs[0]!,
    });
  }
});

Deno.test("Softmax rule normalizes over all trailing axes before opset 13", async () => {
  await gradCheck({
    dtype: "float64",
    opset: 12,
    inputs: { x: { dims: [2, 3, 4], lo: -2, hi: 2 } },
    build: (g, x) => g.addNode("Softmax", [x.x!], { axis: attr.int(1) }).outputs[0]!,
  });
});

Deno.test("LogSoftmax rule matches finite differences", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [3, 5], lo: -2, hi: 2 } },
    build: (g, x) => g.addNode("LogSoftmax", [x.x!]).outputs[0]!,
  });
});

Deno.test("LayerNormalization rule matches finite differences for input, scale and bias", async () => {
  for (const axis of [-1, 1]) {
    await gradCheck({
      dtype: "float64",
      inputs: {
        x: { dims: [2, 3, 4], lo: -2, hi: 2 },
        w: { dims: axis === -1 ? [4] : [3, 4] },
        b: { dims: axis === -1 ? [4] : [3, 4] },
      },
      build: (g, x) =>
        g.addNode("LayerNormalization", [x.x!, x.w!, x.b!], {
          axis: attr.int(axis),
          epsilon: attr.float(1e-3),
        })
          .outputs[0]!,
    });
  }
});
