import { attr } from "../../ir/attribute.ts";
import { gradCheck } from "../_testing.ts";

const MATMUL_SHAPES: [string, number[], number[]][] = [
  ["2-D", [3, 4], [4, 2]],
  ["batched with broadcast batch axes", [2, 1, 3, 4], [3, 4, 2]],
  ["a 1-D left operand", [4], [2, 4, 3]],
  ["a 1-D right operand", [2, 3, 4], [4]],
  ["two 1-D operands", [4], [4]],
];

for (const [what, a, b] of MATMUL_SHAPES) {
  Deno.test(`MatMul rule matches finite differences for ${what}`, async () => {
    await gradCheck({
      dtype: "float64",
      inputs: { a: { dims: a }, b: { dims: b } },
      build: (g, x) => g.addNode("MatMul", [x.a!, x.b!]).outputs[0]!,
    });
  });
}

Deno.test("Gemm rule matches finite differences for every transA/transB with alpha, beta and a broadcast C", async () => {
  for (const transA of [0, 1]) {
    for (const transB of [0, 1]) {
      await gradCheck({
        dtype: "float64",
        inputs: {
          a: { dims: transA ? [4, 3] : [3, 4] },
          b: { dims: transB ? [2, 4] : [4, 2] },
          c: { dims: [2] },
        },
        build: (g, x) =>
          g.addNode("Gemm", [x.a!, x.b!, x.c!], {
            transA: attr.int(transA),
            transB: attr.int(transB),
            alpha: attr.float(0.7),
            beta: attr.float(-1.5),
          }).outputs[0]!,
      });
    }
  }
});

Deno.test("Gemm rule works without C", async () => {
  await gradCheck({
    dtype: "float64",
    inputs: { a: { dims: [3, 4] }, b: { dims: [2, 4] } },
    build: (g, x) => g.addNode("Gemm", [x.a!, x.b!], { transB: attr.int(1) }).outputs[0]!,
  });
});

const EINSUMS: [string, number[][]][] = [
  ["bhwc,hkc->bhwk", [[2, 3, 2, 4], [3, 5, 4]]], // SAM decomposed rel-pos, height term
  ["bhwc,wkc->bhwk", [[2, 3, 2, 4], [2, 5, 4]]], // width term
  ["ij,jk", [[3, 4], [4, 2]]], // implicit output
  ["ij,jk->k", [[3, 4], [4, 2]]], // index i summed in one operand only
  ["ij->ji", [[3, 4]]],
];

for (const [eq, shapes] of EINSUMS) {
  Deno.test(`Einsum rule matches finite differences for "${eq}"`, async () => {
    const names = shapes.map((_, i) => `x${i}`);
    await gradCheck({
      dtype: "float64",
      inputs: Object.fromEntries(shapes.map((dims, i) => [names[i]!, { dims }])),
      build: (g, x) =>
        g.addNode("Einsum", names.map((n) => x[n]!), { equation: attr.string(eq) }).outputs[0]!,
    });
  });
}
