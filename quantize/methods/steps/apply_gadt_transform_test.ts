import assert from "node:assert/strict";
import { createPrng } from "../../../util/prng.ts";
import { attr } from "../../../onnx/ir/attribute.ts";
import { Graph } from "../../../onnx/ir/graph.ts";
import { createModel } from "../../../onnx/ir/model.ts";
import { Variable } from "../../../onnx/ir/tensor.ts";
import { encodeModel } from "../../../onnx/io/write_model.ts";
import { createSession, floatTensor } from "../../../runtime/session.ts";
import { findPatterns } from "../../graph/find_patterns.ts";
import { planQuantizers } from "../../insert/plan_quantizers.ts";
import { applyGadtTransform } from "./apply_gadt_transform.ts";
import { insertChannelClip } from "./insert_channel_clip.ts";

const ROWS = 6, C = 8, OUT = 5;

/** x → LayerNormalization → MatMul + Add (→ y); with `residual`, the LayerNorm output also feeds Add(h, x) (→ r). */
function buildGraph(residual: boolean): Graph {
  const r = createPrng(3);
  const g = new Graph({ name: "gadt", opset: { "": 17 } });
  const x = new Variable("x", "float32", [ROWS, C]);
  g.inputs = [x];
  const randn = (n: number, sd: number, mean = 0) =>
    Float32Array.from({ length: n }, () => mean + sd * r.normal());
  const ln = g.addNode(
    "LayerNormalization",
    [x, g.addConstant("ln.gamma", randn(C, 0.5, 1), [C]), g.addConstant("ln.beta", randn(C, 3), [C])],
    { axis: attr.int(-1), epsilon: attr.float(1e-5) },
    { name: "ln/LayerNormalization", outputs: ["h"] },
  );
  const h = ln.outputs[0]!;
  const mm = g.addNode("MatMul", [h, g.addConstant("fc.weight", randn(C * OUT, 0.3), [C, OUT])], {}, {
    name: "fc/MatMul",
  });
  const add = g.addNode("Add", [mm.outputs[0]!, g.addConstant("fc.bias", randn(OUT, 0.1), [OUT])], {}, {
    name: "fc/Add",
    outputs: ["y"],
  });
  g.outputs = [add.outputs[0]!];
  if (residual) {
    const res = g.addNode("Add", [h, x], {}, { name: "res/Add", outputs: ["r"] });
    g.outputs.push(res.outputs[0]!);
  }
  for (const t of g.outputs) (t as Variable).dtype = "float32";
  return g;
}

async function run(g: Graph, x: Float32Array): Promise<Float32Array[]> {
  const s = await createSession(encodeModel(createModel(g)));
  try {
    const out = await s.run({ x: floatTensor(x, [ROWS, C]) });
    return g.outputs.map((t) => out[t.name]!.data as Float32Array);
  } finally {
    await s.release();
  }
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / m;
}

function transform() {
  const r = createPrng(9);
  const shift = Float64Array.from({ length: C }, () => 4 * r.normal());
  const scale = Float64Array.from({ length: C }, () => 1 + 5 * r.next());
  return { shift, scale };
}

const input = Float32Array.from({ length: ROWS * C }, (_, i) => Math.sin(i * 1.7) * 3 + (i % C));

function siteOf(g: Graph) {
  const patterns = findPatterns(g, "encoder");
  return planQuantizers(patterns).activations.find((s) => s.id === "h")!;
}

Deno.test("applyGadtTransform() folds into the LayerNorm and the Linear, leaving the output unchanged", async () => {
  const g = buildGraph(false);
  const before = await run(g, input);
  const { shift, scale } = transform();
  const applied = applyGadtTransform(g, siteOf(g), shift, scale, { explicit: true })!;
  assert.equal(applied.kind, "layernorm");
  assert.equal(applied.anchor, "ln/LayerNormalization");
  assert.equal(applied.site.tensor.name, "h");
  assert.equal(g.nodes.length, 3, "no node added");
  const after = await run(g, input);
  assert.ok(maxRelDiff(after[0]!, before[0]!) <= 1e-5, `rel diff ${maxRelDiff(after[0]!, before[0]!)}`);
});

Deno.test("applyGadtTransform() inserts an explicit affine when the LayerNorm output also feeds a residual", async () => {
  const g = buildGraph(true);
  const before = await run(g, input);
  const { shift, scale } = transform();
  const site = siteOf(g);
  const applied = applyGadtTransform(g, site, shift, scale, { explicit: true })!;
  assert.equal(applied.kind, "explicit");
  assert.match(applied.reason!, /also read by Add/);
  assert.equal(applied.site.id, "h");
  assert.notEqual(applied.site.tensor.name, "h");
  const after = await run(g, input);
  assert.ok(maxRelDiff(after[0]!, before[0]!) <= 1e-5, "Linear output unchanged");
  assert.deepEqual(after[1], before[1], "the residual still reads the untransformed h");
  // The quantizer input is x̃ = (h − v)/s: check it against the LayerNorm output on the host.
  const h = await tensorAt(g, "h");
  const xt = await tensorAt(g, applied.site.tensor.name);
  for (let i = 0; i < h.length; i++) {
    const c = i % C;
    assert.ok(Math.abs(xt[i]! - (h[i]! - shift[c]!) / scale[c]!) <= 1e-5 * (1 + Math.abs(xt[i]!)));
  }
  assert.equal(
    applyGadtTransform(buildGraph(true), siteOf(buildGraph(true)), shift, scale, { explicit: false }),
    undefined,
  );
});

Deno.test("insertChannelClip() clips only what the site's consumers read", async () => {
  const g = buildGraph(true);
  const before = await run(g, input);
  const site = siteOf(g);
  const lo = new Float32Array(C).fill(-0.5), hi = new Float32Array(C).fill(0.5);
  hi[2] = 100;
  const clipped = insertChannelClip(g, site, lo, hi);
  const after = await run(g, input);
  assert.deepEqual(after[1], before[1], "the residual reads h unclipped");
  const h = await tensorAt(g, "h");
  const y = await tensorAt(g, clipped.tensor.name);
  for (let i = 0; i < h.length; i++) assert.equal(y[i], Math.min(Math.max(h[i]!, lo[i % C]!), hi[i % C]!));
  assert.ok(g.nodes.some((n) => n.name === "samq.gadt/h/clip_hi" && n.op === "Min"));
});

async function tensorAt(g: Graph, name: string): Promise<Float32Array> {
  const saved = g.outputs;
  const t = g.tensor(name) as Variable;
  t.dtype = "float32";
  g.outputs = [t];
  try {
    return (await run(g, input))[0]!;
  } finally {
    g.outputs = saved;
  }
}
