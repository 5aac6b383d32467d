import assert from "node:assert/strict";
import { attr } from "./attribute.ts";
import { Graph } from "./graph.ts";
import { Node } from "./node.ts";
import { Constant, Variable } from "./tensor.ts";

/** x → Relu(a) → Neg(b) → y, plus a dead branch Exp(x) → dead. */
function chain(): { g: Graph; x: Variable; a: Node; b: Node; dead: Node } {
  const g = new Graph({ opset: { "": 17 } });
  const x = new Variable("x", "float32", [2]);
  g.inputs.push(x);
  const a = g.addNode("Relu", [x], {}, { name: "a" });
  const b = g.addNode("Neg", [a.outputs[0]!], {}, { name: "b", outputs: ["y"] });
  const dead = g.addNode("Exp", [x], {}, { name: "dead" });
  g.outputs.push(b.outputs[0]!);
  return { g, x, a, b, dead };
}

Deno.test("Node.setInput() keeps producer and consumer links consistent", () => {
  const { x, a, b } = chain();
  assert.deepEqual(x.consumers.map((n) => n.name), ["a", "dead"]);
  assert.equal(b.outputs[0]!.producer, b);
  b.setInput(0, x);
  assert.deepEqual(a.outputs[0]!.consumers, []);
  assert.deepEqual(x.consumers.map((n) => n.name), ["a", "dead", "b"]);
  const mul = new Node("Mul", { inputs: [x, x] });
  mul.setInput(0, a.outputs[0]!);
  assert.ok(x.consumers.includes(mul), "still read by slot 1");
  mul.setInput(1, a.outputs[0]!);
  assert.ok(!x.consumers.includes(mul));
  mul.disconnect();
  assert.deepEqual(a.outputs[0]!.consumers, []);
});

Deno.test("Node.setOutput() refuses a tensor another node produces", () => {
  const { a, b } = chain();
  assert.throws(() => b.setOutput(0, a.outputs[0]!), /already produced by Relu "a"/);
});

Deno.test("Graph.tensors() names both producers of a duplicated name", () => {
  const { g, x } = chain();
  g.addNode("Abs", [x], {}, { outputs: [new Variable("y")] });
  assert.throws(() => g.tensors(), /"y".*Neg node "b" and Abs node "samq\/Abs"/);
});

Deno.test("Graph.cleanup() drops dead nodes, keeps outputs, and unlinks them", () => {
  const { g, x, dead } = chain();
  g.cleanup();
  assert.deepEqual(g.nodes.map((n) => n.name), ["a", "b"]);
  assert.ok(!x.consumers.includes(dead));
  assert.deepEqual(g.inputs, [x]);
  g.outputs = [];
  g.cleanup({ removeUnusedInputs: true });
  assert.deepEqual(g.nodes, []);
  assert.deepEqual(g.inputs, []);
});

Deno.test("Graph.toposort() orders producers first and keeps sorted lists unchanged", () => {
  const { g } = chain();
  const before = g.nodes.map((n) => n.name);
  g.toposort();
  assert.deepEqual(g.nodes.map((n) => n.name), before);
  g.nodes.reverse();
  g.toposort();
  const names = g.nodes.map((n) => n.name);
  assert.ok(names.indexOf("a") < names.indexOf("b"));
  const loop = new Node("Add", { inputs: [g.nodes[0]!.outputs[0]!], outputs: [new Variable("z")] });
  g.nodes[0]!.setInput(0, loop.outputs[0]!);
  g.nodes.push(loop);
  assert.throws(() => g.toposort(), /cycle/);
});

Deno.test("Graph.replaceAllUses() rewires node inputs and graph outputs", () => {
  const { g, x, a, b } = chain();
  const n = g.replaceAllUses(a.outputs[0]!, x);
  assert.equal(n, 1);
  assert.equal(b.inputs[0], x);
  const y = b.outputs[0]!;
  g.replaceAllUses(y, a.outputs[0]!);
  assert.equal(g.outputs[0], a.outputs[0]);
});

Deno.test("Graph.addNode() inserts after an anchor with unique names; uniqueName() suffixes", () => {
  const { g, a } = chain();
  const n = g.addNode("Relu", [a.outputs[0]!], {}, { name: "a", after: a });
  assert.equal(n.name, "a_1");
  assert.equal(g.nodes[1], n);
  assert.equal(g.uniqueName("y"), "y_1");
  assert.equal(g.uniqueName("y"), "y_2");
  const c = g.addConstant("w", Float32Array.of(1, 2), [2]);
  assert.ok(c instanceof Constant && c.dtype === "float32");
  const opt = g.addNode("Clip", [x0(g), undefined, c]);
  assert.equal(opt.inputs[1]!.name, "");
});

Deno.test("Graph.summary() counts initializers, parameters and ops", () => {
  const { g, a } = chain();
  g.addNode("Mul", [a.outputs[0]!, Constant.of("w", new Float32Array(6), [2, 3])], { k: attr.int(1) });
  const s = g.summary();
  assert.equal(s.nodeCount, 4);
  assert.equal(s.initializerCount, 1);
  assert.equal(s.parameterCount, 6);
  assert.deepEqual(s.opCensus, { Exp: 1, Mul: 1, Neg: 1, Relu: 1 });
  assert.deepEqual(s.inputs, [{ name: "x", dtype: "float32", shape: [2] }]);
});

Deno.test("Constant values load lazily, once", () => {
  let loads = 0;
  const c = new Constant("c", "float32", [2], { load: () => (loads++, Float32Array.of(1, 2)) });
  assert.equal(c.loaded, false);
  assert.deepEqual(c.peekValues(), Float32Array.of(1, 2));
  assert.equal(c.loaded, false);
  c.values();
  c.values();
  assert.equal(loads, 2);
  assert.equal(c.loaded, true);
});

function x0(g: Graph): Variable {
  return g.inputs[0]!;
}
