/**
 * A gradient runner for SAM's two graphs (`train` accepts it in place of a single gradient graph): the
 * encoder and the decoder are separate ONNX graphs (often of different opsets), so the chain rule is
 * applied on the host. For one step (an image and K of its prompts):
 *
 * 1. encoder forward → the quantized image embedding E (or the cached float embedding when the encoder
 *    is not learned);
 * 2. decoder gradient graph per prompt k → loss_k, ∂loss_k/∂θ_dec and ∂loss_k/∂E; the step's loss is the
 *    mean over the K prompts, and so are the gradients;
 * 3. encoder vector-Jacobian graph with U = (1/K)·Σ_k ∂loss_k/∂E (its loss is Σ E ⊙ U) → ∂loss/∂θ_enc.
 *
 * With `promptBatch` B > 1 the decoder graphs take B prompts per run (the prompt feeds `batchedFeeds` and the
 * target stacked along axis 0, every other feed shared): a step's K prompts (a multiple of B) cost K/B runs
 * instead of K, with the same loss and gradients (each run's loss is the mean over its B prompts).
 *
 * With an embedding objective (`embeddingLoss`), step 1–3 collapse into the encoder loss graph. Steps
 * are described by two feeds: `samq.learn.step/image` (int32 [1]) and `samq.learn.step/prompts`
 * (int32 [K]); the runner reads images, prompts and targets from its {@link StepData}.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Graph } from "../../onnx/ir/graph.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import { createSession } from "../../runtime/session.ts";
import { type Feeds, type GradientResult, GradientRunner } from "../train/gradient_runner.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { invariant } from "../../util/errors.ts";

/** Feed names that select a step's image and prompts. */
export const STEP_FEEDS = Object.freeze({
  image: "samq.learn.step/image",
  prompts: "samq.learn.step/prompts",
});

/** Where the runner gets a step's tensors. */
export interface StepData {
  /** Encoder input of image i. */
  image(i: number): Promise<ort.Tensor>;
  /** Float embedding of image i (used when the encoder is not learned). */
  floatEmbedding(i: number): Promise<ort.Tensor>;
  /** Decoder feeds (without the embedding) and the float target of prompt j of image i. */
  prompt(
    i: number,
    j: number,
    embedding: ort.Tensor,
  ): Promise<{ feeds: Record<string, ort.Tensor>; target: ort.Tensor }>;
  /** Float embedding target of image i (embedding objective). */
  embeddingTarget(i: number): Promise<ort.Tensor>;
}

/** The graphs of a chained runner (gradient graphs from `buildGradientGraph`). */
export interface ChainGraphs {
  /** Encoder input, encoder embedding output, and decoder embedding input names. */
  encoderInput: string;
  embedding: string;
  decoderEmbedding: string;
  /** Learned encoder: forward graph (→ embedding) and VJP gradient graph (inputs + `upstream`). */
  encoderForward?: Graph;
  encoderVjp?: Graph;
  upstream?: string;
  /** Embedding objective: encoder loss gradient graph (inputs + `target`). */
  encoderLoss?: Graph;
  /** Mask objective: decoder loss gradient graph (inputs + `target`; outputs grad/<embedding> when the encoder learns). */
  decoderLoss?: Graph;
  /** The loss graphs before differentiation (forward-only evaluation). */
  encoderLossForward?: Graph;
  decoderLossForward?: Graph;
  /** Name of the target input of the loss graph. */
  target: string;
  encoderParams: readonly string[];
  decoderParams: readonly string[];
  /** Prompts per decoder run (the decoder graphs' batch). @default 1 */
  promptBatch?: number;
  /** Decoder feeds stacked along axis 0 when `promptBatch` > 1 (the rest are shared by the batch). */
  batchedFeeds?: readonly string[];
}

/** A decoder run's prompts: feeds stacked along axis 0 (`batched`) or shared, and the stacked target. */
export function stackPrompts(
  items: readonly { feeds: Record<string, ort.Tensor>; target: ort.Tensor }[],
  batched: readonly string[],
): { feeds: Record<string, ort.Tensor>; target: ort.Tensor } {
  if (items.length === 1) return items[0]!;
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of Object.keys(items[0]!.feeds)) {
    feeds[name] = batched.includes(name) ? concat0(items.map((p) => p.feeds[name]!)) : items[0]!.feeds[name]!;
  }
  return { feeds, target: concat0(items.map((p) => p.target)) };
}

function concat0(ts: readonly ort.Tensor[]): ort.Tensor {
  const dims = [...ts[0]!.dims];
  const tail = dims.slice(1).join(",");
  for (const t of ts) {
    invariant(t.dims.slice(1).join(",") === tail, "stacked prompt tensors share their inner dims");
  }
  const data = new Float32Array(ts.reduce((n, t) => n + t.size, 0));
  let at = 0;
  for (const t of ts) {
    data.set(t.data as Float32Array, at);
    at += t.size;
  }
  dims[0] = ts.reduce((n, t) => n + t.dims[0]!, 0);
  return new ort.Tensor("float32", data, dims);
}

const SESSION_GRAPHS = [
  "encoderForward",
  "encoderVjp",
  "encoderLoss",
  "decoderLoss",
  "encoderLossForward",
  "decoderLossForward",
] as const;
type ChainSessions = Partial<Record<typeof SESSION_GRAPHS[number], ort.InferenceSession>>;

/** The runner (see the module doc). */
export class ChainedRunner extends GradientRunner {
  readonly #g: ChainGraphs;
  readonly #data: StepData;
  readonly #sessions: ChainSessions;

  private constructor(graphs: ChainGraphs, data: StepData, sessions: ChainSessions) {
    super(Object.values(sessions)[0]!, "loss");
    this.#g = graphs;
    this.#data = data;
    this.#sessions = sessions;
  }

  /** Opens the sessions of `graphs`. */
  static async open(graphs: ChainGraphs, data: StepData, ep: ExecutionProvider): Promise<ChainedRunner> {
    const sessions: ChainSessions = {};
    for (const k of SESSION_GRAPHS) {
      const g = graphs[k];
      if (g !== undefined) sessions[k] = await createSession(encodeModel(g), { ep });
    }
    return new ChainedRunner(graphs, data, sessions);
  }

  override async run(params: Readonly<Record<string, TrainParam>>, feeds: Feeds): Promise<GradientResult> {
    const g = this.#g, s = this.#sessions;
    const i = Number((feeds[STEP_FEEDS.image]!.data as Int32Array)[0]);
    const prompts = Array.from(feeds[STEP_FEEDS.prompts]!.data as Int32Array);
    const enc = pick(params, g.encoderParams);
    const dec = pick(params, g.decoderParams);
    const grads: GradientResult["grads"] = {};
    const image = await this.#data.image(i);
    if (s.encoderLoss !== undefined) {
      const out = await run(s.encoderLoss, {
        [g.encoderInput]: image,
        [g.target]: await this.#data.embeddingTarget(i),
        ...enc,
      });
      for (const n of g.encoderParams) grads[n] = out[`grad/${n}`]!.data as Float32Array;
      return { loss: Number(out[s.encoderLoss.outputNames[0]!]!.data[0]), grads };
    }
    const embedding = s.encoderForward !== undefined
      ? (await run(s.encoderForward, { [g.encoderInput]: image, ...enc }))[g.embedding]!
      : await this.#data.floatEmbedding(i);
    let loss = 0;
    const sums = new Map<string, Float64Array>();
    const add = (name: string, v: ArrayLike<number>, w: number) => {
      let a = sums.get(name);
      if (a === undefined) sums.set(name, a = new Float64Array(v.length));
      for (let k = 0; k < v.length; k++) a[k] = a[k]! + w * v[k]!;
    };
    const wantEmbedding = s.encoderVjp !== undefined;
    for (const batch of this.#batches(prompts)) {
      const w = batch.length / prompts.length;
      const p = await this.#prompts(i, batch, embedding);
      const out = await run(s.decoderLoss!, {
        ...p.feeds,
        [g.decoderEmbedding]: embedding,
        [g.target]: p.target,
        ...dec,
      });
      loss += w * Number(out[s.decoderLoss!.outputNames[0]!]!.data[0]);
      for (const n of g.decoderParams) add(n, out[`grad/${n}`]!.data as Float32Array, w);
      if (wantEmbedding) add(g.embedding, out[`grad/${g.decoderEmbedding}`]!.data as Float32Array, w);
    }
    for (const n of g.decoderParams) grads[n] = Float32Array.from(sums.get(n)!);
    if (wantEmbedding) {
      const u = new ort.Tensor(
        "float32",
        Float32Array.from(sums.get(g.embedding)!),
        embedding.dims as number[],
      );
      const out = await run(s.encoderVjp!, { [g.encoderInput]: image, [g.upstream!]: u, ...enc });
      for (const n of g.encoderParams) grads[n] = out[`grad/${n}`]!.data as Float32Array;
    }
    return { loss, grads };
  }

  /** The step's loss without gradients (forward graphs only). */
  async evaluate(params: Readonly<Record<string, TrainParam>>, feeds: Feeds): Promise<{ loss: number }> {
    const g = this.#g, s = this.#sessions;
    const i = Number((feeds[STEP_FEEDS.image]!.data as Int32Array)[0]);
    const prompts = Array.from(feeds[STEP_FEEDS.prompts]!.data as Int32Array);
    const enc = pick(params, g.encoderParams);
    const image = await this.#data.image(i);
    if (s.encoderLossForward !== undefined) {
      const out = await run(s.encoderLossForward, {
        [g.encoderInput]: image,
        [g.target]: await this.#data.embeddingTarget(i),
        ...enc,
      });
      return { loss: Number(out[s.encoderLossForward.outputNames[0]!]!.data[0]) };
    }
    const embedding = s.encoderForward !== undefined
      ? (await run(s.encoderForward, { [g.encoderInput]: image, ...enc }))[g.embedding]!
      : await this.#data.floatEmbedding(i);
    const dec = pick(params, g.decoderParams);
    let loss = 0;
    for (const batch of this.#batches(prompts)) {
      const p = await this.#prompts(i, batch, embedding);
      const out = await run(s.decoderLossForward!, {
        ...p.feeds,
        [g.decoderEmbedding]: embedding,
        [g.target]: p.target,
        ...dec,
      });
      loss += Number(out[s.decoderLossForward!.outputNames[0]!]!.data[0]) * batch.length / prompts.length;
    }
    return { loss };
  }

  /** The step's prompts cut into decoder runs of `promptBatch` each. */
  #batches(prompts: readonly number[]): number[][] {
    const b = this.#g.promptBatch ?? 1;
    invariant(prompts.length % b === 0, `a step's ${prompts.length} prompts fill decoder runs of ${b}`);
    const out: number[][] = [];
    for (let k = 0; k < prompts.length; k += b) out.push(prompts.slice(k, k + b));
    return out;
  }

  async #prompts(i: number, js: readonly number[], embedding: ort.Tensor) {
    const items = [];
    for (const j of js) items.push(await this.#data.prompt(i, j, embedding));
    return stackPrompts(items, this.#g.batchedFeeds ?? []);
  }

  override async release(): Promise<void> {
    for (const s of Object.values(this.#sessions)) await s!.release();
  }
}

function pick(
  params: Readonly<Record<string, TrainParam>>,
  names: readonly string[],
): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const n of names) {
    const p = params[n];
    if (p !== undefined) out[n] = new ort.Tensor("float32", p.data as Float32Array, p.dims);
  }
  return out;
}

async function run(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const picked: Record<string, ort.Tensor> = {};
  for (const n of session.inputNames) picked[n] = feeds[n]!;
  return await session.run(picked) as Record<string, ort.Tensor>;
}
