/**
 * End-to-end learning (PQ-SAM step 3, spec §3.3 E; LSQ+ as "PQ-SAM without GADT", §6): the quantizer
 * parameters of both parts are learned jointly on the MSE between the quantized and the float model's
 * outputs — the low-resolution mask logits of every calibration prompt ("masks", the re-implementation's
 * objective, §13 item 5; all four mask tokens of a single-mask export, `all_mask_tokens.ts`) or the
 * image embedding ("embedding"; the only choice for a model without the official decoder).
 *
 * One step = one calibration image (batch 1, §3.1 [SEC]) and K of its prompts (`promptsPerStep`,
 * cycling through the image's prompts over epochs); images are visited in a seeded random order each
 * epoch. Gradients flow through the STE-rounded activations and weights of encoder and decoder, chained
 * on the host (`chained_runner.ts`). Float targets, preprocessed images and float embeddings are computed
 * once and kept in a {@link TensorCache} (disk spill past `cacheBytes`).
 *
 * Before and after training, the objective is evaluated on the first `evalImages` images (every quantizer
 * active, fixed prompts); the learned values are kept only if they are not worse (a learned method never
 * ends worse than its initialisation on its own objective). Returns the values; the caller bakes them.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createPrng, type Prng } from "../../util/prng.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { CalibrationSet } from "../calibrate/calibration_set.ts";
import type { ProgressFn } from "../calibrate/progress.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import type { ModelPart } from "../graph/types.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import { train } from "../train/train.ts";
import { startStepClock } from "../train/step_clock.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { ChainedRunner, STEP_FEEDS, type StepData } from "./chained_runner.ts";
import { buildChainGraphs } from "./build_chain_graphs.ts";
import { floatWeightsOf } from "./float_weights.ts";
import { tensorElements } from "./_measure.ts";
import { OFFICIAL_PROMPT_FEEDS } from "../calibrate/sam_feeds.ts";
import { batchedDecoder, decoderBatchesPrompts } from "./prompt_batch.ts";
import { type RoleOptimizers, trainSettings } from "./param_groups.ts";
import { decoderFeeds, type EncoderFeed, encoderFeed, openGraphSession } from "../calibrate/sam_feeds.ts";
import { TensorCache } from "./tensor_cache.ts";
import { allMaskTokens } from "./all_mask_tokens.ts";
import {
  buildTrainableGraph,
  type QuantizerTreatment,
  type TrainableGraph,
  type TrainableGraphOptions,
} from "./trainable_graph.ts";

/** Objectives of end-to-end learning (spec §13 item 5). */
export const END_TO_END_OBJECTIVES = ["masks", "embedding"] as const;
/** One of {@link END_TO_END_OBJECTIVES}. */
export type EndToEndObjective = typeof END_TO_END_OBJECTIVES[number];

/** Extra learnable structure added to each part's training graph (PQ-SAM's GADT). */
export interface TrainablePlugin {
  hooks(part: ModelPart): Pick<TrainableGraphOptions, "transformWeight" | "transformActivation">;
  /** Called once per part with its training graph (may add nodes and parameters). */
  after(part: ModelPart, trainable: TrainableGraph): void;
}

/** What to learn and how. */
export interface EndToEndStage {
  label: string;
  treat(record: QuantizerRecord): QuantizerTreatment;
  steps: number;
  optimizers: RoleOptimizers;
  objective: EndToEndObjective;
  /** Prompts per step (at most the image's). */
  promptsPerStep: number;
  /** Images the objective is evaluated on before and after. */
  evalImages: number;
  plugin?: TrainablePlugin;
}

/** Inputs of {@link trainEndToEnd} (as `reconstructUnits`). */
export interface EndToEndInput {
  model: PreparedModel;
  parts: readonly ModelPart[];
  records: readonly QuantizerRecord[];
  floatGraphs: Partial<Record<ModelPart, Graph>>;
  calibration: CalibrationSet;
  seed: number;
  ep: ExecutionProvider;
  cacheBytes: number;
  progress: ProgressFn;
}

/** Result of {@link trainEndToEnd}. */
export interface EndToEndResult {
  /** Values of every learned parameter (the learned ones, or the initial ones when those were better). */
  values: Map<string, TrainParam>;
  kept: "learned" | "initial";
  steps: number;
  initialLoss: number;
  learnedLoss: number;
  /** Mean training loss over the first and the last 10 % of steps. */
  trainLoss: { first: number; last: number };
  seconds: number;
  /** Wall seconds per optimizer step (training loop only: no caching, graph building or evaluation). */
  secondsPerStep: number;
  /** Prompts per decoder run (1 where the decoder export fixes one prompt row). */
  promptBatch: number;
}

/** Learns the stage's parameters end to end (see the module doc). */
export async function trainEndToEnd(input: EndToEndInput, stage: EndToEndStage): Promise<EndToEndResult> {
  const t0 = performance.now();
  const { model, calibration } = input;
  const config = model.source.config;
  const prng = createPrng(input.seed);
  const masks = stage.objective === "masks";
  if (masks && config.format !== "official") {
    throw new SamqError(
      "incompatible",
      `Cannot learn on mask logits of a "${config.format}" model: use objective "embedding"`,
      {
        field: "objective",
      },
    );
  }
  const cache = new TensorCache({ maxBytes: input.cacheBytes });
  try {
    const Fe = input.floatGraphs.encoder ?? model.encoder.model.graph;
    const Fd = input.floatGraphs.decoder ?? model.decoder.model.graph;
    const encIn = Fe.inputs[0]!.name, embOut = Fe.outputs[0]!.name;
    const trainable = (part: ModelPart, F: Graph) => {
      if (!input.parts.includes(part)) return undefined;
      const t = buildTrainableGraph(model[part].model.graph, input.records.filter((r) => r.part === part), {
        treat: stage.treat,
        floatWeight: floatWeightsOf(F),
        prng,
        ...(stage.plugin?.hooks(part) ?? {}),
      });
      stage.plugin?.after(part, t);
      return t;
    };
    const Te = trainable("encoder", Fe);
    const Td = masks ? trainable("decoder", Fd) : undefined;
    if (Td !== undefined) Td.graph = allMaskTokens(Td.graph);
    const FdAll = masks ? allMaskTokens(Fd) : Fd;
    const lowRes = masks ? maskOutput(Fd) : "";
    // Data: preprocessed images, float embeddings and targets.
    const feeds: EncoderFeed[] = [];
    const prompts = calibration.images.map((im) => im.prompts);
    const fe = await openGraphSession(extractSubgraph(Fe, [encIn], [embOut]), input.ep);
    const fd = masks
      ? await openGraphSession(extractSubgraph(FdAll, FdAll.inputs.map((t) => t.name), [lowRes]), input.ep)
      : undefined;
    try {
      for (const [i, im] of calibration.images.entries()) {
        const f = await encoderFeed(config, im);
        feeds.push(f);
        await cache.put(`img/${i}`, f.tensor);
        const emb = (await fe.run({ [encIn]: f.tensor }))[embOut]!;
        await cache.put(`emb/${i}`, emb);
        for (let j = 0; j < prompts[i]!.length && fd !== undefined; j++) {
          await cache.put(
            `tgt/${i}/${j}`,
            (await fd.run(decoderFeeds(config, emb, prompts[i]![j]!, f.sizes)))[lowRes]!,
          );
        }
        input.progress({
          phase: "calibrate",
          done: i + 1,
          total: calibration.images.length,
          detail: `${stage.label}: float targets`,
        });
      }
    } finally {
      await fe.release();
      await fd?.release();
    }
    const data: StepData = {
      image: (i) => cache.get(`img/${i}`),
      floatEmbedding: (i) => cache.get(`emb/${i}`),
      embeddingTarget: (i) => cache.get(`emb/${i}`),
      prompt: async (i, j, embedding) => ({
        feeds: decoderFeeds(config, embedding, prompts[i]![j]!, feeds[i]!.sizes),
        target: await cache.get(`tgt/${i}/${j}`),
      }),
    };
    const usable = calibration.images.map((_, i) => i).filter((i) => !masks || prompts[i]!.length > 0);
    if (usable.length === 0) {
      throw new SamqError(
        "invalid_dataset",
        "Cannot learn on mask logits: no calibration image has a prompt",
        { field: "calibration" },
      );
    }
    // One decoder run takes every prompt of a step (the official decoder batches prompts); an image with
    // fewer prompts than the batch repeats some of them within the step.
    let promptBatch = masks
      ? Math.min(stage.promptsPerStep, Math.max(...usable.map((i) => prompts[i]!.length)))
      : 1;
    if (promptBatch > 1) {
      const i = usable[0]!, emb = await data.floatEmbedding(i);
      const probe = [];
      for (let q = 0; q < Math.min(3, prompts[i]!.length); q++) probe.push(await data.prompt(i, q, emb));
      // The learned decoder graph (with its quantizers) must be batchable too, not only the float one.
      const passOk = Td === undefined || batchedDecoder(Td.graph) !== undefined;
      if (!passOk || !(await decoderBatchesPrompts(FdAll, lowRes, probe, OFFICIAL_PROMPT_FEEDS, input.ep))) {
        promptBatch = 1;
      }
    }
    const built = await buildChainGraphs(Te, Td, {
      promptBatch,
      batchedFeeds: OFFICIAL_PROMPT_FEEDS,
      encIn,
      embOut,
      lowRes: masks ? lowRes : undefined,
      decEmb: "image_embeddings",
      Fd: FdAll,
      data,
      first: usable[0]!,
    });
    const params = [...(Te?.params ?? []), ...(Td?.params ?? [])];
    const init: Record<string, TrainParam> = Object.fromEntries(params.map((p) => [p.name, p.init]));
    const elements = await measureElements(Te, Td, built.firstFeeds);
    const settings = trainSettings(
      params,
      stage.optimizers,
      stage.steps,
      (p) => p.elements ?? elements.get(p.quantizedTensor ?? ""),
    );
    const runner = await ChainedRunner.open(built.graphs, data, input.ep);
    try {
      const pick = (i: number, t: number) => {
        const n = prompts[i]!.length,
          k = masks ? (promptBatch > 1 ? promptBatch : Math.min(stage.promptsPerStep, n)) : 1;
        return Array.from({ length: k }, (_, q) => masks ? (t * k + q) % n : 0);
      };
      const evaluate = async (values: Record<string, TrainParam>) => {
        const m = usable.slice(0, Math.max(1, stage.evalImages));
        let s = 0;
        for (const i of m) s += (await runner.evaluate(values, stepFeeds(i, pick(i, 0)))).loss;
        return s / m.length;
      };
      const initialLoss = await evaluate(init);
      const order = epochOrder(usable, stage.steps, prng);
      const clock = startStepClock();
      const result = await train({
        gradient: runner,
        params: init,
        steps: stage.steps,
        batches: (t) => stepFeeds(order[t]!, pick(order[t]!, Math.floor(t / usable.length))),
        ...settings,
        progress: (p) => {
          clock.tick(p);
          if (p.step % Math.max(1, Math.floor(p.steps / 20)) === 0 || p.step === p.steps) {
            input.progress({
              phase: "calibrate",
              done: p.step,
              total: p.steps,
              detail: `${stage.label}: loss ${p.loss.toExponential(3)}`,
            });
          }
        },
      });
      const secondsPerStep = clock.secondsPerStep();
      const learnedLoss = await evaluate(result.params);
      const kept = learnedLoss <= initialLoss ? "learned" : "initial";
      const chosen = kept === "learned" ? result.params : init;
      const tenth = Math.max(1, Math.floor(result.losses.length / 10));
      const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / Math.max(a.length, 1);
      return {
        values: new Map(Object.entries(chosen)),
        kept,
        steps: stage.steps,
        initialLoss,
        learnedLoss,
        trainLoss: { first: mean(result.losses.slice(0, tenth)), last: mean(result.losses.slice(-tenth)) },
        seconds: (performance.now() - t0) / 1000,
        secondsPerStep,
        promptBatch,
      };
    } finally {
      await runner.release();
    }
  } finally {
    await cache.dispose();
  }
}

function stepFeeds(image: number, prompts: number[]): Record<string, ort.Tensor> {
  return {
    [STEP_FEEDS.image]: new ort.Tensor("int32", Int32Array.of(image), [1]),
    [STEP_FEEDS.prompts]: new ort.Tensor("int32", Int32Array.from(prompts), [prompts.length]),
  };
}

/** Image of each step: a fresh seeded permutation of `images` per epoch. */
function epochOrder(images: readonly number[], steps: number, prng: Prng): number[] {
  const out: number[] = [];
  while (out.length < steps) {
    const perm = [...images];
    for (let i = perm.length - 1; i > 0; i--) {
      const j = prng.int(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    out.push(...perm);
  }
  return out.slice(0, steps);
}

function maskOutput(decoder: Graph): string {
  const o = decoder.outputs.find((t) => t.name === "low_res_masks") ?? decoder.outputs[0];
  if (o === undefined) {
    throw new SamqError("invalid_model", "Cannot learn on mask logits: the decoder has no output", {
      field: "outputs",
    });
  }
  return o.name;
}

async function measureElements(
  Te: TrainableGraph | undefined,
  Td: TrainableGraph | undefined,
  feeds: Record<string, ort.Tensor>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of [Te, Td]) {
    if (t === undefined) continue;
    const m = await tensorElements(t.graph, feeds, t.params.map((p) => p.quantizedTensor));
    for (const [k, v] of m) out.set(k, v);
  }
  return out;
}
