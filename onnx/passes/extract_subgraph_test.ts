import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { randomTensor, runOrt } from "../_testing.ts";
import { Graph } from "../ir/graph.ts";
import { Variable } from "../ir/tensor.ts";
import { encodeModel } from "../io/write_model.ts";
import { addTaps } from "./add_taps.ts";
import { extractSubgraph } from "./extract_subgraph.ts";
import { inferShapes } from "./infer_shapes.ts";

/** x → Relu → a → Mul(a, w) → b → Exp → y */
function graph(): Graph {
  const g = new Graph({ opset: { "": 17 } });
  const x = new Variable("x", "float32", [2, 3]);
  g.inputs.push(x);
  const a = g.addNode("Relu", [x], {}, { outputs: ["a"] }).outputs[0]!;
  const b = g.addNode("Mul", [a, g.addConstant("w", Float32Array.of(1, 2, 3), [3])], {}, { outputs: ["b"] });
  const y = g.addNode("Exp", [b.outputs[0]!], {}, { outputs: ["y"] });
  y.outputs[0]!.dtype = "float32";
  g.outputs.push(y.outputs[0]!);
  return g;
}

Deno.test("extractSubgraph() copies the part between a cut and outputs, leaving the source intact", async () => {
  const g = graph();
  await inferShapes(g, { tensors: "all" });
  const sub = extractSubgraph(g, ["a"], ["b"]);
  assert.deepEqual(sub.nodes.map((n) => n.op), ["Mul"]);
  assert.deepEqual(sub.inputs.map((t) => [t.name, t.dtype, t.shape]), [["a", "float32", [2, 3]]]);
  assert.equal(g.nodes.length, 3);
  assert.equal(g.tensor("a")!.consumers.length, 1, "source links untouched");
  const out = await runOrt(encodeModel(sub), { a: randomTensor([2, 3], 2, 0, 1) });
  assert.deepEqual(out.b!.dims, [2, 3]);
  assert.throws(
    () => extractSubgraph(g, [], ["b"]),
    (e: unknown) => e instanceof SamqError && e.field === "x",
  );
});

Deno.test("addTaps() exposes intermediates as outputs that ORT returns", async () => {
  const g = graph();
  const taps = addTaps(g, ["a", "y", "b"]);
  assert.deepEqual(g.outputs.map((t) => t.name), ["y", "a", "b"]);
  assert.equal(taps.length, 3);
  const out = await runOrt(encodeModel(g), { x: randomTensor([2, 3], 1) });
  assert.deepEqual(Object.keys(out).sort(), ["a", "b", "y"]);
  assert.throws(() => addTaps(g, ["zz"]), /no such tensor/);
});
