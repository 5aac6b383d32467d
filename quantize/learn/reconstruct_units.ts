/**
 * Block reconstruction (BRECQ/QDrop/PTQ4SAM-L, spec §4.4, §7, §8): every unit of every quantized part
 * (`find_units.ts`), in graph order, learns its parameters to reproduce the float unit's outputs.
 *
 * Per part: the float graph F (folded, no quantizers) and the quantized graph G (standard emission) are
 * cut into the same units. Two streams of per-sample tensors flow through them (`_streams.ts`): "fp" (F's
 * values, which give the targets) and "q" (the quantized model's values, with every preceding unit
 * already learned — spec §4.4 "Data"). Samples are images for the encoder and (image, prompt) pairs for
 * the decoder, whose image embedding comes from the encoder of the same stream. Per unit:
 *
 * 1. float unit on the fp stream → targets (and the next fp stream);
 * 2. loss graph (`unit_graphs.ts`) → gradient graph (`buildGradientGraph`) → `train` for `iterations`
 *    steps, one random sample per step, QDrop dropping at probability p and input mixing when
 *    `quantProb` is set, AdaRound's regulariser on its schedule;
 * 3. evaluation error (p = 1: every quantizer active, hard rounding) of the initial and the learned
 *    parameters on the first `evalSamples` samples; the better one is kept (a learned unit never ends
 *    worse than its initialisation on its own objective);
 * 4. the quantized unit (evaluation mode) on the q stream → the next q stream.
 *
 * After a part, the learned values are baked into G (`bake_learned.ts`) and the records updated.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { createPrng } from "../../util/prng.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { CalibrationSet } from "../calibrate/calibration_set.ts";
import type { ProgressFn } from "../calibrate/progress.ts";
import { findPatterns } from "../graph/find_patterns.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import type { ModelPart } from "../graph/types.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { allMaskTokens } from "./all_mask_tokens.ts";
import { bakeLearned } from "./bake_learned.ts";
import { findUnits } from "./find_units.ts";
import { floatWeightsOf } from "./float_weights.ts";
import { encoderEmbeddings, hardened, propagateFloat, reconstructUnit, scalar } from "./_reconstruct_unit.ts";
import type { ReconstructionStage, UnitReport } from "./reconstruction_stage.ts";
import { CONTROL } from "./_names.ts";
import { decoderFeeds, decoderTakesPrompt, encoderFeed } from "../calibrate/sam_feeds.ts";
import { Streams } from "./_streams.ts";
import { TensorCache } from "./tensor_cache.ts";
import { buildTrainableGraph } from "./trainable_graph.ts";

export type { ReconstructionStage, UnitReport } from "./reconstruction_stage.ts";

/** What the reconstruction works on. */
export interface ReconstructionInput {
  model: PreparedModel;
  /** Quantized parts (encoder before decoder). */
  parts: readonly ModelPart[];
  records: readonly QuantizerRecord[];
  /** Float graphs after folding, before quantizers, of the quantized parts. */
  floatGraphs: Partial<Record<ModelPart, Graph>>;
  calibration: CalibrationSet;
  seed: number;
  ep: ExecutionProvider;
  /** Bytes of stream tensors held in memory before spilling to disk. */
  cacheBytes: number;
  progress: ProgressFn;
}

/** Runs `stage` over all units; returns the updated records and one report per unit. */
export async function reconstructUnits(
  input: ReconstructionInput,
  stage: ReconstructionStage,
): Promise<{ records: QuantizerRecord[]; units: UnitReport[] }> {
  const { model, calibration } = input;
  const config = model.source.config;
  const prng = createPrng(input.seed);
  const cache = new TensorCache({ maxBytes: input.cacheBytes });
  const streams = new Streams(cache);
  let records = [...input.records];
  const reports: UnitReport[] = [];
  const enc = await Promise.all(calibration.images.map((im) => encoderFeed(config, im)));
  const evalControls = { [CONTROL.quantProb]: scalar(1) };
  try {
    let embeddings: { q: ort.Tensor[]; fp: ort.Tensor[] } | undefined;
    for (const part of ["encoder", "decoder"] as const) {
      if (!input.parts.includes(part)) continue;
      const F0 = input.floatGraphs[part] ?? model[part].model.graph;
      const floatWeight = floatWeightsOf(F0);
      const partRecords = records.filter((r) => r.part === part);
      const trainable = buildTrainableGraph(model[part].model.graph, partRecords, {
        treat: stage.treat,
        floatWeight,
        prng,
      });
      // The decoder's single-mask selection (ArgMax → Gather) is not differentiable: learn on all tokens.
      const F = part === "decoder" ? allMaskTokens(F0) : F0;
      if (part === "decoder") trainable.graph = allMaskTokens(trainable.graph);
      const store = new Map<string, TrainParam>(trainable.params.map((p) => [p.name, p.init]));
      // Samples and their initial streams.
      const samples: { image: number; prompt?: number }[] = [];
      if (part === "encoder") {
        for (let i = 0; i < enc.length; i++) {
          samples.push({ image: i });
          for (const s of ["q", "fp"] as const) await streams.set(s, i, F.inputs[0]!.name, enc[i]!.tensor);
        }
      } else {
        embeddings ??= await encoderEmbeddings(input, enc.map((e) => e.tensor), undefined, evalControls);
        const decoderInputs = F.inputs.map((t) => t.name);
        for (const [i, im] of calibration.images.entries()) {
          for (const [j, prompt] of im.prompts.entries()) {
            if (!decoderTakesPrompt(config, prompt, decoderInputs)) continue;
            const k = samples.length;
            samples.push({ image: i, prompt: j });
            for (const s of ["q", "fp"] as const) {
              const f = decoderFeeds(config, embeddings[s][i]!, prompt, enc[i]!.sizes, decoderInputs);
              for (const [n, t] of Object.entries(f)) await streams.set(s, k, n, t);
            }
          }
        }
      }
      if (samples.length === 0) continue;
      const quantLinears = new Set(
        partRecords.filter((r) => r.target === "weight").flatMap((r) => r.consumers),
      );
      const { head, units } = findUnits(F, findPatterns(F, part), quantLinears);
      if (head !== undefined) await propagateFloat(F, head, samples.length, streams, input.ep, true);
      for (const [k, unit] of units.entries()) {
        const t0 = performance.now();
        input.progress({
          phase: "calibrate",
          done: k,
          total: units.length,
          detail: `${stage.label}: ${part} unit ${k + 1}`,
        });
        const report = await reconstructUnit(unit, {
          F,
          trainable,
          store,
          streams,
          samples: samples.length,
          stage,
          prng,
          ep: input.ep,
          evalControls,
        });
        reports.push({
          part,
          unit: k,
          linears: unit.linears,
          ...report,
          seconds: (performance.now() - t0) / 1000,
        });
      }
      records = [
        ...records.filter((r) => r.part !== part),
        ...bakeLearned(model[part].model, partRecords, hardened(store, trainable), { floatWeight }),
      ];
      if (part === "encoder") {
        embeddings = await encoderEmbeddings(
          input,
          enc.map((e) => e.tensor),
          { trainable, store },
          evalControls,
        );
      }
      for (let s = 0; s < samples.length; s++) {
        for (const st of ["q", "fp"] as const) await streams.retain(st, s, new Set());
      }
    }
  } finally {
    await cache.dispose();
  }
  return { records: sortLike(records, input.records), units: reports };
}

function sortLike(records: QuantizerRecord[], order: readonly QuantizerRecord[]): QuantizerRecord[] {
  const at = new Map(order.map((r, i) => [`${r.part}/${r.id}`, i]));
  return [...records].sort((a, b) => at.get(`${a.part}/${a.id}`)! - at.get(`${b.part}/${b.id}`)!);
}
