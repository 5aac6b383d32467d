import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createPrng } from "../../util/prng.ts";
import { SamqError } from "../../util/errors.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { LogQuantizerParams, UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { emitUniformQuantizer } from "./emit_uniform_quantizer.ts";
import { emitLogQuantizer } from "./emit_log_quantizer.ts";
import { emitHluqQuantizer } from "./emit_hluq_quantizer.ts";
import { hluqParamsFromRange } from "../quantizers/hluq.ts";
import { offGridReduction } from "../audit/off_grid_reduction.ts";

async function runQuantizer(
  shape: number[],
  data: Float32Array,
  emit: (g: Graph, x: Variable) => Variable,
  opset = 17,
): Promise<{ out: Float32Array; graph: Graph }> {
  const x = new Variable("x", "float32", shape);
  const graph = new Graph({ inputs: [x], opset: { "": opset } });
  const y = emit(graph, x);
  graph.outputs = [y];
  graph.toposort();
  const session = await ort.InferenceSession.create(encodeModel(graph), { executionProviders: ["cpu"] });
  try {
    const res = await session.run({ x: new ort.Tensor("float32", data, shape) });
    return { out: res[y.name]!.data as Float32Array, graph };
  } finally {
    await session.release();
  }
}

function randn(n: number, seed: number, sd = 1, mean = 0): Float32Array {
  const rng = createPrng(seed);
  return Float32Array.from({ length: n }, () => mean + sd * rng.normal());
}

function assertBitEqual(a: Float32Array, b: Float32Array): void {
  assert.equal(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let diff = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) diff++;
  assert.equal(diff, 0, `${diff} of ${a.length} values differ`);
}

Deno.test("emitUniformQuantizer() matches fakeQuant bit for bit in ORT when per-tensor", async () => {
  for (
    const [bits, symmetric, seed] of [[8, false, 1], [4, false, 2], [2, false, 3], [4, true, 4]] as const
  ) {
    const shape = [3, 50, 64];
    const x = randn(3 * 50 * 64, seed, 2, 0.3);
    // Exact ties of u = x/Δ (k + 0.5) exercise the round-half-up rule.
    const base = symmetric
      ? uniformParamsFromRange([-4], [4], { bits, symmetric: true })
      : uniformParamsFromRange([-3], [5], { bits });
    for (let i = 0; i < 40; i++) x[i] = Math.fround((i - 20 + 0.5) * base.scale[0]!);
    x.set([1e30, -1e30, 3e9, -3e9, Infinity, -Infinity], 40); // saturation far outside the grid
    const { out, graph } = await runQuantizer(shape, x, (g, v) => emitUniformQuantizer(g, v, base));
    assertBitEqual(out, fakeQuant(x, shape, base));
    assert.ok(graph.nodes.every((n) => n.name.startsWith("samq.q/x/")));
    assert.equal(graph.outputs[0]!.name, "samq.q/x");
    assert.equal(graph.nodes.some((n) => n.op === "Round"), false);
    assert.deepEqual(graph.nodes.map((n) => n.op), ["Div", "Add", "Floor", "Clip", "Mul"]);
  }
});

Deno.test("emitUniformQuantizer() matches fakeQuant bit for bit when per-channel on axis 0, 1 and last", async () => {
  const shape = [4, 6, 30];
  const x = randn(4 * 6 * 30, 7, 1.5);
  for (const axis of [0, 1, 2]) {
    const C = shape[axis]!;
    const lo = Array.from({ length: C }, (_, c) => -1 - c * 0.3);
    const hi = Array.from({ length: C }, (_, c) => 0.5 + c * 0.4);
    const p = uniformParamsFromRange(lo, hi, { bits: 4, axis });
    const { out } = await runQuantizer(shape, x, (g, v) => emitUniformQuantizer(g, v, p, { rank: 3 }));
    assertBitEqual(out, fakeQuant(x, shape, p));
  }
});

Deno.test("emitUniformQuantizer() throws when a per-channel axis has no rank or the opset is old", () => {
  const g = new Graph({ inputs: [new Variable("x", "float32")], opset: { "": 17 } });
  const p: UniformQuantizerParams = uniformParamsFromRange([0, 0], [1, 2], { bits: 8, axis: 0 });
  assert.throws(
    () => emitUniformQuantizer(g, g.inputs[0]!, p),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "rank",
  );
  const old = new Graph({ inputs: [new Variable("x", "float32")], opset: { "": 10 } });
  assert.throws(
    () => emitUniformQuantizer(old, old.inputs[0]!, uniformParamsFromRange([0], [1], { bits: 8 })),
    (e: unknown) => e instanceof SamqError && e.code === "incompatible",
  );
});

/** Distance of the float64 reference code −τ·log2(a/s) to the nearest rounding boundary k + 0.5. */
function boundaryDistance(a: number, p: LogQuantizerParams): number {
  const code = -p.tau * Math.log2(a / p.scale);
  return Math.abs(code - Math.floor(code) - 0.5);
}

Deno.test("emitLogQuantizer() matches fakeQuant (log2 and log√2) except within 1e-4 of a code boundary", async () => {
  const rng = createPrng(11);
  const n = 20000;
  const shape = [4, 50, 100];
  const a = Float32Array.from({ length: n }, () => rng.next() ** 4);
  a[0] = 0;
  a[1] = 1.5; // above s: saturates to s
  a[2] = 1e-30; // below the grid (code ≥ 2^b) for b ≤ 6: 0
  for (const [bits, tau] of [[4, 1], [4, 2], [8, 2], [3, 4]] as const) {
    const p: LogQuantizerParams = { kind: "log", bits, tau, scale: Math.fround(0.9) };
    const { out } = await runQuantizer(shape, a, (g, v) => emitLogQuantizer(g, v, p));
    const ref = fakeQuant(a, shape, p);
    let differ = 0;
    for (let i = 0; i < n; i++) {
      if (Object.is(out[i], ref[i])) continue;
      differ++;
      assert.ok(boundaryDistance(a[i]!, p) < 1e-4, `value ${a[i]} differs away from a boundary`);
    }
    assert.ok(differ <= 2, `${differ} values differ`);
    assert.equal(out[0], 0);
    assert.equal(out[1], p.scale);
    if (bits <= 6) assert.equal(out[2], 0);
    assert.ok(new Set(out).size <= 2 ** bits + 1);
  }
});

Deno.test("emitLogQuantizer() rejects a scale that is not a float32 value", () => {
  const g = new Graph({ inputs: [new Variable("x", "float32")], opset: { "": 17 } });
  assert.throws(
    () => emitLogQuantizer(g, g.inputs[0]!, { kind: "log", bits: 4, tau: 2, scale: 0.1 }),
    (e: unknown) => e instanceof SamqError && e.field === "scale",
  );
});

Deno.test("emitHluqQuantizer() matches fakeQuant bit for bit in ORT and its outputs are fixed points", async () => {
  for (
    const [bits, rangeRate, gridRate, seed] of [[4, 0.1, 1 / 8, 1], [4, 0.3, 1 / 2, 2], [
      8,
      0.5,
      1 / 4,
      3,
    ]] as const
  ) {
    const n = 4 * 300;
    // Post-GELU-like values: a dense bump near the minimum −0.17 and a long positive tail.
    const rng = createPrng(seed);
    const x = Float32Array.from({ length: n }, () => {
      const v = rng.normal() * 1.5;
      return Math.fround(0.5 * v * (1 + Math.tanh(0.7978845608 * (v + 0.044715 * v ** 3))));
    });
    x.set([-5, -0.17, 0, 1e30, -1e30], 0);
    const p = hluqParamsFromRange(-0.17, 4, bits, rangeRate, gridRate);
    const { out, graph } = await runQuantizer([4, 300], x, (g, v) => emitHluqQuantizer(g, v, p, { id: "h" }));
    assertBitEqual(out, fakeQuant(x, [4, 300], p));
    assert.ok(graph.nodes.every((nd) => nd.name.startsWith("samq.q/h/")));
    assert.ok(graph.nodes.every((nd) => nd.op !== "Round"), "rounding stays Floor(x + 0.5)");
    // The audit's in-graph check: re-quantizing the output moves nothing.
    const moved = await runQuantizer([4, 300], out, (g, v) => {
      const r = offGridReduction(p)(g, v, "h");
      const f = g.addNode("Cast", [r], { to: attr.int(1) }).outputs[0]!;
      f.dtype = "float32";
      return f;
    });
    assert.equal(moved.out[0], 0, `${bits} bits, rates ${rangeRate}/${gridRate}`);
  }
});
