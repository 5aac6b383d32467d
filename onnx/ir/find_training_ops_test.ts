import assert from "node:assert/strict";
import { attr } from "./attribute.ts";
import { findTrainingOps } from "./find_training_ops.ts";
import { Graph } from "./graph.ts";
import { Constant, Variable } from "./tensor.ts";

function graphWith(build: (g: Graph, x: Variable) => void): Graph {
  const x = new Variable("x", "float32", [2, 3]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  build(g, x);
  return g;
}

Deno.test("findTrainingOps() reports random ops and Dropout in training mode, not inference Dropout", () => {
  const g = graphWith((g, x) => {
    g.addNode("RandomUniformLike", [x], { seed: attr.float(1) }, { name: "/u" });
    g.addNode("Bernoulli", [x], {}, { name: "/b" });
    g.addNode("Dropout", [x], {}, { name: "/inference" });
    const no = Constant.of("no", new Uint8Array([0]), [], "bool");
    const yes = Constant.of("yes", new Uint8Array([1]), [], "bool");
    const ratio = Constant.of("ratio", new Float32Array([0.5]), []);
    g.addNode("Dropout", [x, ratio, no], {}, { name: "/explicit-inference" });
    g.addNode("Dropout", [x, ratio, yes], {}, { name: "/training" });
    const fed = new Variable("training_mode", "bool", []);
    g.inputs.push(fed);
    g.addNode("Dropout", [x, ratio, fed], {}, { name: "/fed" });
    g.addNode("Dropout", [x], { is_test: attr.int(0) }, { name: "/old-training" });
    g.addNode("Relu", [x], {}, { name: "samq.learn.op/q/relu" });
    g.inputs.push(new Variable("samq.learn.ctl/quant_prob", "float32", []));
  });
  assert.deepEqual(findTrainingOps(g).map((t) => [t.name, t.why]), [
    ["/u", "draws random numbers"],
    ["/b", "draws random numbers"],
    ["/training", "dropout in training mode"],
    ["/fed", "dropout in training mode"],
    ["/old-training", "dropout in training mode"],
    ["samq.learn.op/q/relu", "samq training-graph node"],
    ["samq.learn.ctl/quant_prob", "samq training-graph input"],
  ]);
});

Deno.test("findTrainingOps() searches subgraphs and finds nothing in a clean graph", () => {
  const body = graphWith((g, x) => void g.addNode("RandomNormalLike", [x], {}, { name: "/n" }));
  const g = graphWith((g, x) => {
    g.addNode("Relu", [x], {}, { name: "/relu" });
    g.addNode("If", [x], { then_branch: attr.graph(body), else_branch: attr.graph(new Graph()) }, {
      name: "/if",
    });
  });
  assert.deepEqual(findTrainingOps(g).map((t) => t.name), ["/if//n"]);
  assert.deepEqual(findTrainingOps(graphWith((g, x) => void g.addNode("Relu", [x]))), []);
});
