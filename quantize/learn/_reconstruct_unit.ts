/**
 * Internal: the reconstruction of one unit and the stream helpers of `reconstruct_units.ts`.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Prng } from "../../util/prng.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { buildGradientGraph } from "../../onnx/grad/build_gradient_graph.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import { train } from "../train/train.ts";
import { startStepClock } from "../train/step_clock.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { adaRoundRegularizer } from "./adaround.ts";
import type { GraphUnit } from "./find_units.ts";
import { CONTROL, floatInputName } from "./_names.ts";
import { trainSettings } from "./param_groups.ts";
import { reconstructionError } from "./reconstruction_error.ts";
import type { ReconstructionInput } from "./reconstruct_units.ts";
import type { ReconstructionStage, UnitReport } from "./reconstruction_stage.ts";
import { openGraphSession } from "../calibrate/sam_feeds.ts";
import type { Stream, Streams } from "./_streams.ts";
import type { TrainableGraph } from "./trainable_graph.ts";
import { buildUnitGraphs, type TensorType, typedSubgraph } from "./unit_graphs.ts";
import { tensorElements } from "./_measure.ts";

/** What one unit's reconstruction needs. */
export interface UnitContext {
  F: Graph;
  trainable: TrainableGraph;
  store: Map<string, TrainParam>;
  streams: Streams;
  samples: number;
  stage: ReconstructionStage;
  prng: Prng;
  ep: ExecutionProvider;
  evalControls: Record<string, ort.Tensor>;
}

/** Reconstructs one unit (steps 1–4 of `reconstruct_units.ts`) and advances both streams. */
export async function reconstructUnit(
  unit: GraphUnit,
  c: UnitContext,
): Promise<Omit<UnitReport, "part" | "unit" | "linears" | "seconds">> {
  const { streams, stage } = c;
  // 1. Float targets (in the bounded "target" stream) and types from sample 0.
  const types = await streamTypes(streams, unit.inputs);
  const float = await openGraphSession(typedSubgraph(c.F, unit.inputs, unit.outputs, types), c.ep);
  const target = (s: number) => streams.feeds("target", s, unit.outputs);
  try {
    for (let s = 0; s < c.samples; s++) {
      const out = await float.run(await streams.feeds("fp", s, unit.inputs));
      for (const n of unit.outputs) await streams.set("target", s, n, out[n]!);
      if (s === 0) {
        for (const [n, t] of Object.entries(out)) {
          types.set(n, { dtype: t.type as TensorType["dtype"], dims: [...t.dims] });
        }
      }
    }
  } finally {
    await float.release();
  }
  const mix = stage.quantProb !== undefined;
  const ug = buildUnitGraphs(c.trainable, unit, { types, mix, prng: c.prng, loss: stage.loss });
  const forward = await openGraphSession(ug.forward, c.ep);
  const feedsOf = async (
    s: number,
    controls: Record<string, ort.Tensor>,
    params: Record<string, TrainParam>,
  ) => {
    const f: Record<string, ort.Tensor> = { ...(await streams.feeds("q", s, unit.inputs)), ...controls };
    if (mix) Object.assign(f, await streams.feeds("fp", s, ug.mixed, floatInputName));
    for (const [n, p] of Object.entries(params)) {
      f[n] = new ort.Tensor("float32", p.data as Float32Array, p.dims);
    }
    return f;
  };
  const evaluate = async (params: Record<string, TrainParam>) => {
    let e = 0;
    const m = Math.min(stage.evalSamples, c.samples);
    for (let s = 0; s < m; s++) {
      const out = await forward.run(await feedsOf(s, c.evalControls, hardParams(params, ug.adaround)));
      e += reconstructionError(out, await target(s), ug.lossOutputs, stage.loss);
    }
    return e / Math.max(m, 1);
  };
  const initial: Record<string, TrainParam> = Object.fromEntries(
    ug.params.map((p) => [p.name, c.store.get(p.name)!]),
  );
  try {
    let chosen = initial, kept: "learned" | "initial" = "initial";
    const initialError = await evaluate(initial);
    let learnedError = initialError;
    let secondsPerStep = NaN;
    if (ug.params.length > 0 && stage.iterations > 0) {
      const control = (t: number) => {
        const f: Record<string, ort.Tensor> = {};
        if (mix || ug.loss.inputs.some((i) => i.name === CONTROL.quantProb)) {
          f[CONTROL.quantProb] = scalar(stage.quantProb ?? 1);
        }
        if (ug.adaround.length > 0) {
          const r = adaRoundRegularizer(stage.adaround!, t, stage.iterations);
          f[CONTROL.beta] = scalar(r.beta);
          f[CONTROL.regWeight] = scalar(r.weight);
        }
        return f;
      };
      const wrt = ug.params.map((p) => p.name);
      const first = await feedsOf(0, control(0), initial);
      const gradient = await buildGradientGraph(ug.loss, {
        loss: ug.lossName,
        wrt,
        feeds: withTargets(first, ug.targets, ug.lossOutputs, await target(0)),
        allowUnused: true,
      });
      const n = await tensorElements(ug.forward, first, ug.params.map((p) => p.quantizedTensor));
      const settings = trainSettings(
        ug.params,
        stage.optimizers,
        stage.iterations,
        (p) => p.elements ?? n.get(p.quantizedTensor ?? ""),
        initial,
      );
      const inputNames = new Set(gradient.inputs.map((t) => t.name));
      const clock = startStepClock();
      const result = await train({
        gradient,
        params: initial,
        steps: stage.iterations,
        batches: async (t) => {
          const s = c.prng.int(c.samples);
          const f = withTargets(
            await feedsOf(s, control(t), {}),
            ug.targets,
            ug.lossOutputs,
            await target(s),
          );
          return Object.fromEntries(Object.entries(f).filter(([k]) => inputNames.has(k)));
        },
        ...settings,
        session: { ep: c.ep },
        progress: (p) => clock.tick(p),
      });
      secondsPerStep = clock.secondsPerStep();
      learnedError = await evaluate(result.params);
      if (learnedError <= initialError) {
        chosen = result.params;
        kept = "learned";
      }
    }
    for (const [k, v] of Object.entries(chosen)) c.store.set(k, v);
    // 4. Next streams: the quantized unit in evaluation mode (q) and the float targets (fp).
    const params = hardParams(chosen, ug.adaround);
    for (let s = 0; s < c.samples; s++) {
      const out = await forward.run(await feedsOf(s, c.evalControls, params));
      for (const n of unit.outputs) await streams.set("q", s, n, out[n]!);
      for (const n of unit.outputs) await streams.set("fp", s, n, await streams.get("target", s, n));
      await streams.retain("target", s, new Set());
      for (const st of ["q", "fp"] as Stream[]) await streams.retain(st, s, new Set(unit.live));
    }
    return {
      params: ug.params.length,
      iterations: ug.params.length > 0 ? stage.iterations : 0,
      initialError,
      learnedError,
      kept,
      secondsPerStep,
    };
  } finally {
    await forward.release();
  }
}

/** Runs the float `unit` (a propagation-only head) on the fp stream and copies the result to q. */
export async function propagateFloat(
  F: Graph,
  unit: GraphUnit,
  samples: number,
  streams: Streams,
  ep: ExecutionProvider,
  share: boolean,
) {
  const s0 = await openGraphSession(
    typedSubgraph(F, unit.inputs, unit.outputs, await streamTypes(streams, unit.inputs)),
    ep,
  );
  try {
    for (let s = 0; s < samples; s++) {
      const out = await s0.run(await streams.feeds("fp", s, unit.inputs));
      for (const n of unit.outputs) {
        await streams.set("fp", s, n, out[n]!);
        if (share) await streams.set("q", s, n, out[n]!);
      }
      for (const st of ["q", "fp"] as Stream[]) await streams.retain(st, s, new Set(unit.live));
    }
  } finally {
    await s0.release();
  }
}

/** Image embeddings of both streams: fp from the float encoder, q from the learned encoder (or float). */
export async function encoderEmbeddings(
  input: ReconstructionInput,
  images: ort.Tensor[],
  learned: { trainable: TrainableGraph; store: Map<string, TrainParam> } | undefined,
  controls: Record<string, ort.Tensor>,
): Promise<{ q: ort.Tensor[]; fp: ort.Tensor[] }> {
  const F = input.floatGraphs.encoder ?? input.model.encoder.model.graph;
  const run = async (g: Graph, extra: Record<string, ort.Tensor>) => {
    const s = await openGraphSession(
      extractSubgraph(g, g.inputs.map((t) => t.name), [g.outputs[0]!.name]),
      input.ep,
    );
    try {
      const out: ort.Tensor[] = [];
      for (const im of images) {
        out.push((await s.run({ [g.inputs[0]!.name]: im, ...extra }))[g.outputs[0]!.name]!);
      }
      return out;
    } finally {
      await s.release();
    }
  };
  const fp = await run(F, {});
  if (learned === undefined) return { q: fp, fp };
  const params = hardParams(Object.fromEntries(learned.store), learned.trainable.adaround);
  const feeds = { ...controls };
  for (const [n, p] of Object.entries(params)) {
    feeds[n] = new ort.Tensor("float32", p.data as Float32Array, p.dims);
  }
  return { q: await run(learned.trainable.graph, feeds), fp };
}

/** Dtype and dims of stream tensors `names` on sample 0. */
async function streamTypes(streams: Streams, names: readonly string[]): Promise<Map<string, TensorType>> {
  const types = new Map<string, TensorType>();
  for (const n of names) {
    const t = await streams.get("fp", 0, n);
    types.set(n, { dtype: t.type as TensorType["dtype"], dims: [...t.dims] });
  }
  return types;
}

/** AdaRound V replaced by ±20 (h = 0 or 1 exactly): the hard rounding of the evaluation graph. */
export function hardParams(
  params: Record<string, TrainParam>,
  adaround: readonly { v: string }[],
): Record<string, TrainParam> {
  const out = { ...params };
  for (const a of adaround) {
    const p = params[a.v];
    if (p !== undefined) {
      out[a.v] = { data: Float32Array.from(p.data, (v) => (v >= 0 ? 20 : -20)), dims: p.dims };
    }
  }
  return out;
}

/** The store with AdaRound V made hard (what `bakeLearned` reads: only the sign matters). */
export function hardened(store: Map<string, TrainParam>, trainable: TrainableGraph): Map<string, TrainParam> {
  return new Map(Object.entries(hardParams(Object.fromEntries(store), trainable.adaround)));
}

function withTargets(
  feeds: Record<string, ort.Tensor>,
  targetNames: readonly string[],
  outputs: readonly string[],
  values: Record<string, ort.Tensor>,
): Record<string, ort.Tensor> {
  const f = { ...feeds };
  targetNames.forEach((t, i) => (f[t] = values[outputs[i]!]!));
  return f;
}

export function scalar(v: number): ort.Tensor {
  return new ort.Tensor("float32", Float32Array.of(v), []);
}
