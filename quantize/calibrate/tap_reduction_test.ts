import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { Graph } from "../../onnx/ir/graph.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createPrng } from "../../util/prng.ts";
import { appendTapReduction, samplePositions, type TapReduction } from "./tap_reduction.ts";

async function reduce(dims: number[], data: Float32Array, r: TapReduction, opset = 12) {
  const x = new Variable("x", "float32", dims);
  const g = new Graph({ inputs: [x], opset: { "": opset } });
  g.outputs = [appendTapReduction(g, x, r, "t")];
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ["cpu"] });
  try {
    const out = (await s.run({ x: new ort.Tensor("float32", data, dims) }))[g.outputs[0]!.name]!;
    return { data: out.data as Float32Array, dims: [...out.dims] };
  } finally {
    await s.release();
  }
}

const rng = createPrng(3);
const data = Float32Array.from({ length: 6 * 7 * 10 }, () => rng.normal() * 3);

Deno.test("appendTapReduction() returns the exact [min, max] for kind range", async () => {
  const r = await reduce([6, 7, 10], data, { kind: "range" });
  assert.deepEqual(r.dims, [2]);
  assert.deepEqual([...r.data], [Math.min(...data), Math.max(...data)]);
});

Deno.test("appendTapReduction() samples the golden-ratio positions, or everything when the tensor is small", async () => {
  for (const count of [50, 420, 1000]) {
    const r = await reduce([6, 7, 10], data, { kind: "sample", count }, 17);
    const pos = samplePositions(data.length, count);
    assert.deepEqual([...r.data], Array.from(pos, (p) => data[p]!));
    assert.equal(r.data.length, Math.min(count, 420));
  }
  // The positions are spread: no channel (period 10) is left out of a 50-value sample.
  const channels = new Set(Array.from(samplePositions(420, 50), (p) => p % 10));
  assert.equal(channels.size, 10);
});

Deno.test("appendTapReduction() returns token rows [n, C] of the last dimension for kind rows", async () => {
  const r = await reduce([6, 7, 10], data, { kind: "rows", count: 20 });
  assert.deepEqual(r.dims, [20, 10]);
  const pos = samplePositions(42, 20);
  for (let i = 0; i < 20; i++) {
    assert.deepEqual([...r.data.subarray(i * 10, i * 10 + 10)], [
      ...data.subarray(pos[i]! * 10, pos[i]! * 10 + 10),
    ]);
  }
});
