import { attr } from "../../ir/attribute.ts";
import type { Attributes } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

// ONNX Runtime's CPU Conv/ConvTranspose are float32 only: float32 checks with float32 tolerances.
const CASES: [string, number[], number[], Attributes][] = [
  ["plain 3×3", [2, 3, 6, 5], [4, 3, 3, 3], {}],
  ["strides, asymmetric pads and dilations", [1, 2, 9, 8], [3, 2, 3, 2], {
    strides: attr.ints([2, 3]),
    pads: attr.ints([1, 0, 2, 1]),
    dilations: attr.ints([2, 1]),
  }],
  ["groups", [2, 4, 5, 5], [6, 2, 3, 3], { group: attr.int(2), pads: attr.ints([1, 1, 1, 1]) }],
  ["depthwise with stride 2", [1, 3, 7, 6], [3, 1, 3, 3], { group: attr.int(3), strides: attr.ints([2, 2]) }],
  ["patch embedding (kernel = stride)", [1, 3, 8, 8], [5, 3, 4, 4], { strides: attr.ints([4, 4]) }],
  ["SAME_UPPER auto padding", [1, 2, 5, 6], [2, 2, 3, 2], {
    auto_pad: attr.string("SAME_UPPER"),
    strides: attr.ints([2, 2]),
  }],
  ["1-D", [2, 3, 9], [2, 3, 4], { strides: attr.ints([2]), pads: attr.ints([1, 2]) }],
];

for (const [what, xs, ws, attrs] of CASES) {
  Deno.test(`Conv rule matches finite differences for ${what}`, async () => {
    await gradCheck({
      dtype: "float32",
      inputs: { x: { dims: xs }, w: { dims: ws }, b: { dims: [ws[0]!] } },
      build: (g, x) => g.addNode("Conv", [x.x!, x.w!, x.b!], attrs).outputs[0]!,
    });
  });
}

Deno.test("ConvTranspose rule matches finite differences for SAM's 2×2 stride-2 upscaling", async () => {
  await gradCheck({
    dtype: "float32",
    inputs: { x: { dims: [1, 4, 3, 3] }, w: { dims: [4, 2, 2, 2] }, b: { dims: [2] } },
    build: (g, x) =>
      g.addNode("ConvTranspose", [x.x!, x.w!, x.b!], { strides: attr.ints([2, 2]) }).outputs[0]!,
  });
});

Deno.test("ConvTranspose rule matches finite differences with groups, pads and output padding", async () => {
  await gradCheck({
    dtype: "float32",
    inputs: { x: { dims: [2, 4, 3, 4] }, w: { dims: [4, 3, 3, 2] } },
    build: (g, x) =>
      g.addNode("ConvTranspose", [x.x!, x.w!], {
        group: attr.int(2),
        strides: attr.ints([2, 3]),
        pads: attr.ints([1, 0, 0, 1]),
        output_padding: attr.ints([1, 2]),
        dilations: attr.ints([1, 1]),
      }).outputs[0]!,
  });
});
