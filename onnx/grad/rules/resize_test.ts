import { attr } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

// Resize is linear in X, so a float32 finite difference is exact up to rounding; ORT has no float64 kernel.
const MODES: [string, string, string?][] = [
  ["linear", "half_pixel"],
  ["linear", "align_corners"],
  ["linear", "asymmetric"],
  ["linear", "pytorch_half_pixel"],
  ["nearest", "asymmetric", "floor"],
  ["nearest", "half_pixel", "round_prefer_floor"],
];

for (const [mode, coord, nearest] of MODES) {
  Deno.test(`Resize rule is the adjoint of ${mode}/${coord} up- and downsampling with sizes`, async () => {
    for (const sizes of [[1, 2, 7, 9], [1, 2, 3, 2]]) {
      const attrs = {
        mode: attr.string(mode),
        coordinate_transformation_mode: attr.string(coord),
        ...(nearest ? { nearest_mode: attr.string(nearest) } : {}),
      };
      await gradCheck({
        dtype: "float32",
        inputs: { x: { dims: [1, 2, 4, 5] } },
        build: (g, x) =>
          g.addNode("Resize", [
            x.x!,
            undefined,
            undefined,
            g.addConstant("s", BigInt64Array.from(sizes, BigInt)),
          ], attrs)
            .outputs[0]!,
      });
    }
  });
}

Deno.test("Resize rule uses the given scales in the coordinate transform", async () => {
  await gradCheck({
    dtype: "float32",
    inputs: { x: { dims: [1, 1, 3, 4] } },
    build: (g, x) =>
      g.addNode("Resize", [x.x!, undefined, g.addConstant("s", Float32Array.of(1, 1, 2.5, 1.5))], {
        mode: attr.string("linear"),
      }).outputs[0]!,
  });
});
