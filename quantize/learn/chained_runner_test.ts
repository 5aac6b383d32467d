import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { Constant, Variable } from "../../onnx/ir/tensor.ts";
import { findPatterns } from "../graph/find_patterns.ts";
import { insertQuantizers } from "../insert/insert_quantizers.ts";
import { planQuantizers } from "../insert/plan_quantizers.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import { createPrng } from "../../util/prng.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import { captureShapes, propagateElementwiseShapes } from "./annotate_shapes.ts";
import { appendReconstructionLoss } from "./append_loss.ts";
import { OFFICIAL_PROMPT_FEEDS } from "../calibrate/sam_feeds.ts";
import { ChainedRunner, STEP_FEEDS, type StepData } from "./chained_runner.ts";
import { buildChainGraphs } from "./build_chain_graphs.ts";
import { floatWeightsOf } from "./float_weights.ts";
import { decoderFeeds, encoderFeed, openGraphSession } from "../calibrate/sam_feeds.ts";
import { initialisedTinySam } from "./_testing.ts";
import { buildTrainableGraph } from "./trainable_graph.ts";

/** input_image [1, 3, 256, 256] → Conv 16×16/16 (3 → 32) → image_embeddings [1, 32, 16, 16], W4A4 quantizers. */
function syntheticEncoder() {
  const r = createPrng(9);
  const x = new Variable("input_image", "float32", [1, 3, 256, 256]);
  const g = new Graph({ inputs: [x], opset: { "": 17 } });
  const w = Float32Array.from({ length: 32 * 3 * 16 * 16 }, () => r.normal() * 0.03);
  const y = g.addNode("Conv", [x, Constant.of("patch.weight", w, [32, 3, 16, 16])], {
    kernel_shape: attr.ints([16, 16]),
    strides: attr.ints([16, 16]),
  }, { name: "/patch/Conv", outputs: ["image_embeddings"] }).outputs[0]!;
  y.dtype = "float32";
  y.shape = [1, 32, 16, 16];
  g.outputs = [y];
  const plan = planQuantizers(findPatterns(g, "encoder"), { includeFloatParts: true });
  const records = insertQuantizers(g, {
    activations: plan.activations.map((site) => ({
      site,
      params: uniformParamsFromRange([-2.2], [2.7], { bits: 4 }),
    })),
    weights: plan.weights.map((site) => ({
      site,
      params: uniformParamsFromRange([-0.1], [0.1], { bits: 4 }),
    })),
  });
  return buildTrainableGraph(g, records, {
    treat: () => ({ mode: "learn", step: true }),
    floatWeight: () => ({ values: w, dims: [32, 3, 16, 16] }),
    prng: createPrng(0),
  });
}

const steps = (prompts: number[]) => ({
  [STEP_FEEDS.image]: new ort.Tensor("int32", Int32Array.of(0), [1]),
  [STEP_FEEDS.prompts]: new ort.Tensor("int32", Int32Array.from(prompts), [prompts.length]),
});

Deno.test("ChainedRunner.run() equals the gradient of the merged encoder + decoder graph (host chain rule)", async () => {
  const t = await initialisedTinySam();
  const config = t.model.source.config;
  const treat = () => ({ mode: "learn" as const, step: true });
  const trainable = (part: "encoder" | "decoder") =>
    buildTrainableGraph(
      t.model[part].model.graph,
      t.init.quantizers.filter((r: QuantizerRecord) => r.part === part),
      {
        treat,
        floatWeight: floatWeightsOf(t.floatGraphs[part]!),
        prng: createPrng(0),
      },
    );
  // The tiny fixture's encoder output is ~1e-22 (its random weights are tiny), which would leave no
  // encoder gradient to compare; a patch-embedding encoder with weights of unit scale replaces it.
  const Te = syntheticEncoder(), Td = trainable("decoder");
  const image = t.calibration.images[0]!;
  const feed = await encoderFeed(config, image);
  // Targets: the float model's low-res masks, perturbed so that the loss is not near zero.
  const fe = await openGraphSession(Te.graph, "cpu");
  const emb = (await fe.run({
    input_image: feed.tensor,
    ...Object.fromEntries(
      Te.params.map((p) => [p.name, new ort.Tensor("float32", p.init.data as Float32Array, p.init.dims)]),
    ),
  })).image_embeddings!;
  await fe.release();
  const fd = await openGraphSession(
    extractSubgraph(t.floatGraphs.decoder!, t.floatGraphs.decoder!.inputs.map((x) => x.name), [
      "low_res_masks",
    ]),
    "cpu",
  );
  const targets: ort.Tensor[] = [];
  for (const p of image.prompts) {
    const m = (await fd.run(decoderFeeds(config, emb, p, feed.sizes))).low_res_masks!;
    targets.push(
      new ort.Tensor(
        "float32",
        Float32Array.from(m.data as Float32Array, (v, i) => v + Math.sin(i) * 1e-5),
        m.dims as number[],
      ),
    );
  }
  await fd.release();
  const data: StepData = {
    image: () => Promise.resolve(feed.tensor),
    floatEmbedding: () => Promise.resolve(emb),
    embeddingTarget: () => Promise.resolve(emb),
    prompt: (_i, j, e) =>
      Promise.resolve({ feeds: decoderFeeds(config, e, image.prompts[j]!, feed.sizes), target: targets[j]! }),
  };
  const built = await buildChainGraphs(Te, Td, {
    encIn: "input_image",
    embOut: "image_embeddings",
    lowRes: "low_res_masks",
    decEmb: "image_embeddings",
    Fd: t.floatGraphs.decoder!,
    data,
    first: 0,
  });
  const params = Object.fromEntries([...Te.params, ...Td.params].map((p) => [p.name, p.init]));
  const runner = await ChainedRunner.open(built.graphs, data, "cpu");
  const chained = await runner.run(params, steps([0]));
  const both = await runner.run(params, steps([0, 1]));
  const second = await runner.run(params, steps([1]));
  await runner.release();
  // The same two prompts in one decoder run (prompt-batched decoder graphs): same loss and gradients.
  const Td2 = trainable("decoder");
  const built2 = await buildChainGraphs(Te, Td2, {
    encIn: "input_image",
    embOut: "image_embeddings",
    lowRes: "low_res_masks",
    decEmb: "image_embeddings",
    Fd: t.floatGraphs.decoder!,
    data,
    first: 0,
    promptBatch: 2,
    batchedFeeds: OFFICIAL_PROMPT_FEEDS,
  });
  assert.equal(built2.graphs.promptBatch, 2);
  const runner2 = await ChainedRunner.open(built2.graphs, data, "cpu");
  const batched = await runner2.run(params, steps([0, 1]));
  await assert.rejects(runner2.run(params, steps([0])), /fill decoder runs of 2/);
  await runner2.release();
  assert.ok(Math.abs(batched.loss - both.loss) <= 1e-5 * both.loss, `${batched.loss} vs ${both.loss}`);
  // Batched matmuls sum in another order: compare against the largest gradient of all (some are ~1e-20).
  const scale = Math.max(...Object.keys(params).flatMap((n) => Array.from(both.grads[n]!, Math.abs)));
  assert.ok(scale > 0, `largest gradient ${scale}`);
  for (const name of Object.keys(params)) {
    const x = batched.grads[name]!, y = both.grads[name]!;
    for (let i = 0; i < y.length; i++) {
      assert.ok(Math.abs(x[i]! - y[i]!) <= 1e-4 * scale, `${name}[${i}] ${x[i]} ${y[i]} ${scale}`);
    }
  }
  // Reference: one graph, encoder output wired into the decoder's embedding input, differentiated at once.
  const enc = extractSubgraph(Te.graph, Te.graph.inputs.map((x) => x.name), ["image_embeddings"]);
  const dec = extractSubgraph(Td.graph, Td.graph.inputs.map((x) => x.name), ["low_res_masks"]);
  const decEmb = dec.inputs.find((x) => x.name === "image_embeddings")!;
  const encOut = enc.outputs[0]!;
  for (const n of [...decEmb.consumers]) n.inputs.forEach((x, i) => x === decEmb && n.setInput(i, encOut));
  const merged = new Graph({
    inputs: [...enc.inputs, ...dec.inputs.filter((x) => x !== decEmb)],
    nodes: [...enc.nodes, ...dec.nodes],
    outputs: dec.outputs,
    opset: { ...enc.opset },
  }).toposort();
  const f0 = { ...built.firstFeeds, ...decoderFeeds(config, emb, image.prompts[0]!, feed.sizes) };
  delete f0.image_embeddings;
  propagateElementwiseShapes(merged);
  await captureShapes(merged, f0);
  const { loss, targets: tn } = appendReconstructionLoss(merged, ["low_res_masks"]);
  merged.outputs = [loss];
  const wrt = Object.keys(params);
  const grad = await buildGradientGraph(merged, {
    loss: loss.name,
    wrt,
    feeds: { ...f0, [tn[0]!]: targets[0]! },
    allowUnused: true,
  });
  const s = await ort.InferenceSession.create(encodeModel(grad), { executionProviders: ["cpu"] });
  const names = new Set(s.inputNames);
  const all: Record<string, ort.Tensor> = { ...f0, [tn[0]!]: targets[0]! };
  for (const [k, v] of Object.entries(params)) {
    all[k] = new ort.Tensor("float32", v.data as Float32Array, v.dims);
  }
  const ref = await s.run(Object.fromEntries(Object.entries(all).filter(([k]) => names.has(k))));
  await s.release();
  const refLoss = Number(ref[loss.name]!.data[0]);
  assert.ok(Math.abs(chained.loss - refLoss) <= 1e-5 * refLoss, `${chained.loss} vs ${refLoss}`);
  let checked = 0, encoderChecked = 0;
  const encoderParams = new Set(Te.params.map((p) => p.name));
  for (const name of wrt) {
    const a = chained.grads[name]!, b = ref[`grad/${name}`]!.data as Float32Array;
    const scale = Math.max(...Array.from(b, Math.abs), 1e-30);
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-3 * scale, `${name}[${i}]: ${a[i]} vs ${b[i]}`);
    }
    if (scale > 1e-30) {
      checked++;
      if (encoderParams.has(name)) encoderChecked++;
    }
  }
  assert.ok(
    checked >= 20 && encoderChecked === Te.params.length,
    `${checked} parameters (${encoderChecked} encoder) with a non-zero gradient`,
  );
  // K prompts: the mean of the per-prompt losses and gradients.
  assert.ok(Math.abs(both.loss - (chained.loss + second.loss) / 2) <= 1e-6 * both.loss);
  for (const name of wrt.slice(0, 10)) {
    const m = both.grads[name]!, a = chained.grads[name]!, b = second.grads[name]!;
    // float32 chains cancel: a gradient of ~1e-12 (an input-image step) keeps only ~4 exact digits.
    for (let i = 0; i < m.length; i++) {
      const tol = 1e-4 * Math.max(Math.abs(a[i]!), Math.abs(b[i]!)) + 1e-30;
      assert.ok(Math.abs(m[i]! - (a[i]! + b[i]!) / 2) <= tol, `${name}[${i}] ${m[i]} ${a[i]} ${b[i]}`);
    }
  }
});
