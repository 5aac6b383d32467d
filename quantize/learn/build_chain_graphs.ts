/**
 * The graphs of a `ChainedRunner` (`chained_runner.ts`) from the parts' training graphs:
 *
 * - mask objective: the decoder loss graph (MSE of the mask output against a fed target), its gradient
 *   graph w.r.t. the decoder parameters and, when the encoder learns, the embedding input; the encoder
 *   forward graph and its vector-Jacobian graph (loss Σ E ⊙ U with U fed);
 * - embedding objective: the encoder loss graph and its gradient graph.
 *
 * Shapes are annotated first (`annotate_shapes.ts`), so that differentiation needs no shape capture of
 * its own.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { attr } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { Variable } from "../../onnx/ir/tensor.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import { captureShapes, propagateElementwiseShapes } from "./annotate_shapes.ts";
import { appendReconstructionLoss } from "./append_loss.ts";
import { batchedDecoder } from "./prompt_batch.ts";
import { invariant } from "../../util/errors.ts";
import { type ChainGraphs, stackPrompts, type StepData } from "./chained_runner.ts";
import type { TrainableGraph } from "./trainable_graph.ts";

/** Names and data {@link buildChainGraphs} needs. */
export interface ChainBuildContext {
  /** Encoder input and embedding output names. */
  encIn: string;
  embOut: string;
  /** Decoder mask output (mask objective) or undefined (embedding objective). */
  lowRes: string | undefined;
  /** Decoder embedding input name. */
  decEmb: string;
  /** The decoder graph to use when the decoder is not learned. */
  Fd: Graph;
  data: StepData;
  /** An image (with a prompt, for the mask objective) for shape capture. */
  first: number;
  /** Prompts per decoder run; the decoder graphs are built for exactly this batch. @default 1 */
  promptBatch?: number;
  /** Decoder inputs that carry one row per prompt (stacked along axis 0 in a batch). @default [] */
  batchedFeeds?: readonly string[];
}

/**
 * The gradient graphs of a `ChainedRunner` from the parts' training graphs (`Te`, `Td`: absent
 * when the part is not learned), and the feeds of the first image.
 */
export async function buildChainGraphs(
  Te: TrainableGraph | undefined,
  Td: TrainableGraph | undefined,
  c: ChainBuildContext,
): Promise<{ graphs: ChainGraphs; firstFeeds: Record<string, ort.Tensor> }> {
  const masks = c.lowRes !== undefined;
  const encParams = Te?.params.map((p) => p.name) ?? [];
  const decParams = Td?.params.map((p) => p.name) ?? [];
  const initFeeds = (t: TrainableGraph | undefined) =>
    Object.fromEntries(
      (t?.params ?? []).map((
        p,
      ) => [p.name, new ort.Tensor("float32", p.init.data as Float32Array, p.init.dims)]),
    );
  const image = await c.data.image(c.first);
  const emb = await c.data.floatEmbedding(c.first);
  const graphs: ChainGraphs = {
    encoderInput: c.encIn,
    embedding: c.embOut,
    decoderEmbedding: c.decEmb,
    target: "",
    encoderParams: encParams,
    decoderParams: decParams,
  };
  const firstFeeds: Record<string, ort.Tensor> = { [c.encIn]: image, ...initFeeds(Te), ...initFeeds(Td) };
  const te = Te === undefined ? undefined : copyOf(Te.graph, [c.embOut]);
  if (te !== undefined) {
    propagateElementwiseShapes(te);
    await captureShapes(te, firstFeeds);
  }
  if (!masks) {
    const g = copyOf(te!, [c.embOut]);
    const { loss, targets } = appendReconstructionLoss(g, [c.embOut]);
    setShape(g, targets[0]!, emb.dims);
    g.outputs = [loss];
    graphs.target = targets[0]!;
    graphs.encoderLossForward = g;
    graphs.encoderLoss = await buildGradientGraph(g, {
      loss: loss.name,
      wrt: encParams,
      feeds: { ...firstFeeds, [targets[0]!]: emb },
      allowUnused: true,
    });
    return { graphs, firstFeeds };
  }
  const batch = c.promptBatch ?? 1;
  const batched = c.batchedFeeds ?? [];
  graphs.promptBatch = batch;
  graphs.batchedFeeds = batched;
  const items = [];
  for (let q = 0; q < batch; q++) items.push(await c.data.prompt(c.first, q, emb));
  const p0 = stackPrompts(items, batched);
  Object.assign(firstFeeds, p0.feeds, { [c.decEmb]: emb });
  // What callers run the unbatched graphs on (element counts): one prompt.
  const onePrompt = { ...firstFeeds, ...items[0]!.feeds, [c.decEmb]: emb };
  const whole = Td?.graph ?? c.Fd;
  const wide = batch > 1 ? batchedDecoder(whole) : whole;
  invariant(wide !== undefined, "a decoder probed as prompt-batchable is batched by the pass");
  const d = copyOf(wide, [c.lowRes!]);
  propagateElementwiseShapes(d);
  await captureShapes(d, { ...firstFeeds, [c.decEmb]: emb });
  const { loss, targets } = appendReconstructionLoss(d, [c.lowRes!]);
  d.outputs = [loss];
  graphs.target = targets[0]!;
  graphs.decoderLossForward = d;
  const learnEncoder = Te !== undefined && encParams.length > 0;
  graphs.decoderLoss = await buildGradientGraph(d, {
    loss: loss.name,
    wrt: [...decParams, ...(learnEncoder ? [c.decEmb] : [])],
    feeds: { ...firstFeeds, [targets[0]!]: p0.target },
    allowUnused: true,
  });
  if (learnEncoder) {
    graphs.encoderForward = copyOf(te!, [c.embOut]);
    const v = copyOf(te!, [c.embOut]);
    const u = new Variable("samq.learn/upstream", "float32", [...emb.dims]);
    v.inputs.push(u);
    const prod = v.addNode("Mul", [v.tensors().get(c.embOut)!, u], {}, { name: "samq.learn.op/vjp/Mul" })
      .outputs[0]!;
    prod.dtype = "float32";
    const l = v.addNode("ReduceSum", [prod], { keepdims: attr.int(0) }, {
      name: "samq.learn.op/vjp/ReduceSum",
      outputs: ["samq.learn/vjp_loss"],
    }).outputs[0]!;
    l.dtype = "float32";
    l.shape = [];
    v.outputs = [l];
    graphs.upstream = u.name;
    graphs.encoderVjp = await buildGradientGraph(v, {
      loss: l.name,
      wrt: encParams,
      feeds: {
        ...firstFeeds,
        [u.name]: new ort.Tensor("float32", new Float32Array(emb.size), emb.dims as number[]),
      },
      allowUnused: true,
    });
  }
  return { graphs, firstFeeds: onePrompt };
}

function copyOf(g: Graph, outputs: string[]): Graph {
  return extractSubgraph(g, g.inputs.map((t) => t.name), outputs);
}

function setShape(g: Graph, name: string, dims: readonly number[]): void {
  const t = g.inputs.find((x) => x.name === name);
  if (t !== undefined) t.shape = [...dims];
}
