/**
 * Bakes learned quantizer parameters back into an evaluation graph with the **standard emission**
 * (`quantize/insert/`), so that the audit, `quant.json` and every execution provider see ordinary
 * quantizers named `samq.q/<id>`:
 *
 * | record             | learned values               | what is written                                            |
 * |--------------------|------------------------------|------------------------------------------------------------|
 * | uniform activation | Δ (`step`), z (`zero`)       | the old chain is removed and `emitUniformQuantizer` emits a new one with the learned parameters |
 * | log activation     | s (`log_scale`)              | the same with `emitLogQuantizer`                            |
 * | HLUQ activation    | s_log, s_uni (`hluq_*_scale`) | the same with `emitHluqQuantizer`                          |
 * | weight             | Δ (`step`) and/or AdaRound V | the constant `samq.q/<id>`: fakeQuant(W) with the learned Δ, or the hard-rounded W̃ (on the grid) |
 *
 * Re-emitting (instead of editing the old constants) keeps the baked graph exactly what the emitter
 * produces, whatever its op sequence. The graph object is replaced by a new one over the same nodes
 * (`model.graph`), so that the freed `samq.q/<id>` names can be used again.
 *
 * A grouped per-channel step (one Δ per CAG group, `trainable_graph.ts`) is expanded back to the channels.
 * A learned z is rounded half up and clamped to [qmin, qmax]; Δ and s are stored as float32 (|·|).
 * Weights are recomputed from their float values (`floatWeight`, after any learned transform) when the
 * record has a learned value or is listed in `requantize`. Returns the updated records (same order).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import type { Model } from "../../onnx/ir/model.ts";
import { Constant, type Tensor } from "../../onnx/ir/tensor.ts";
import type { Node } from "../../onnx/ir/node.ts";
import { emitLogQuantizer } from "../insert/emit_log_quantizer.ts";
import { emitUniformQuantizer } from "../insert/emit_uniform_quantizer.ts";
import { quantizerStepName, quantizerTensorName } from "../insert/_names.ts";
import { emitHluqQuantizer } from "../insert/emit_hluq_quantizer.ts";
import { channelGroups } from "../cag/channel_groups.ts";
import {
  quantizerParamsFromJson,
  quantizerParamsToJson,
  type QuantizerRecord,
} from "../insert/quantizer_record.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { QuantizerParams, UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { roundHalfUp } from "../quantizers/round_half_up.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import { validateQuantizerParams } from "../quantizers/validate_quantizer_params.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { adaRoundHard, adaRoundInit } from "./adaround.ts";
import { findEmittedChain } from "./_emitted_chain.ts";
import { learnParamName } from "./_names.ts";

/** Options of {@link bakeLearned}. */
export interface BakeOptions {
  /** Float values of a weight record (after any learned transform). */
  floatWeight(record: QuantizerRecord): { values: Float32Array; dims: number[] };
  /** Weight records to re-quantize even without learned values (their float weight changed). @default none */
  requantize?: ReadonlySet<string>;
}

/** Writes `values` (by parameter name) into `model.graph`'s quantizers; returns the updated records. */
export function bakeLearned(
  model: Model,
  records: readonly QuantizerRecord[],
  values: ReadonlyMap<string, TrainParam>,
  options: BakeOptions,
): QuantizerRecord[] {
  const old = model.graph;
  const get = (id: string, role: Parameters<typeof learnParamName>[1]) =>
    values.get(learnParamName(id, role));
  const emit: {
    record: QuantizerRecord;
    params: QuantizerParams;
    x: Tensor;
    consumers: Node[];
    rank?: number;
  }[] = [];
  const out = records.map((r) => {
    const p = quantizerParamsFromJson(r.params, r.id);
    if (r.target === "activation") {
      let next: QuantizerParams;
      if (p.kind === "log") {
        const s = get(r.id, "log_scale");
        if (s === undefined) return r;
        next = { ...p, scale: Math.fround(Math.abs(s.data[0]!)) };
        validateQuantizerParams(next, undefined, r.id);
      } else if (p.kind === "hluq") {
        const sl = get(r.id, "hluq_log_scale"), su = get(r.id, "hluq_uni_scale");
        if (sl === undefined && su === undefined) return r;
        next = {
          ...p,
          scaleLog: sl === undefined ? p.scaleLog : Math.fround(Math.abs(sl.data[0]!)),
          scaleUni: su === undefined ? p.scaleUni : Math.fround(Math.abs(su.data[0]!)),
        };
        validateQuantizerParams(next, undefined, r.id);
      } else {
        const step = get(r.id, "step"), zero = get(r.id, "zero");
        if (step === undefined && zero === undefined) return r;
        next = uniformWith(p, step, zero);
      }
      const chain = findEmittedChain(old, r.id);
      if (chain === undefined) throw missing(r);
      const rank = emittedRank(chain.nodes, r.id, next);
      const consumers = [...chain.output.consumers];
      for (const n of consumers) n.inputs.forEach((t, i) => t === chain.output && n.setInput(i, chain.input));
      for (const n of chain.nodes) old.removeNode(n);
      emit.push({
        record: r,
        params: next,
        x: chain.input,
        consumers,
        ...(rank === undefined ? {} : { rank }),
      });
      return { ...r, params: quantizerParamsToJson(next) };
    }
    const step = get(r.id, "step"), v = get(r.id, "round");
    if (step === undefined && v === undefined && !options.requantize?.has(r.id)) return r;
    const u = uniformWith(p as UniformQuantizerParams, step, undefined);
    const w = options.floatWeight(r);
    const baked = v === undefined
      ? fakeQuant(w.values, w.dims, u)
      : adaRoundHard(adaRoundInit(w.values, w.dims, u).floor, v.data, w.dims, u);
    const readers = old.nodes.filter((n) => r.consumers.includes(n.name));
    if (readers.length === 0 || readers.some((n) => n.inputs[1]?.name !== quantizerTensorName(r.id))) {
      throw missing(r);
    }
    const c = new Constant(quantizerTensorName(r.id), "float32", [...w.dims], baked);
    for (const n of readers) n.setInput(1, c);
    return { ...r, params: quantizerParamsToJson(u) };
  });
  // A new graph object over the same nodes: its name registry no longer holds the removed chains' names.
  const g = new Graph({
    name: old.name,
    docString: old.docString,
    nodes: old.nodes,
    inputs: old.inputs,
    outputs: old.outputs,
    opset: old.opset,
  });
  g.metadata = old.metadata;
  for (const e of emit) {
    const opts = { id: e.record.id, consumers: e.consumers };
    if (e.params.kind === "log") emitLogQuantizer(g, e.x, e.params, opts);
    else if (e.params.kind === "hluq") emitHluqQuantizer(g, e.x, e.params, opts);
    else emitUniformQuantizer(g, e.x, e.params, e.rank === undefined ? opts : { ...opts, rank: e.rank });
  }
  model.graph = g.toposort();
  return out;
}

/** `p` with a learned Δ (|Δ|, float32) and z (rounded half up, clamped). */
function uniformWith(
  p: UniformQuantizerParams,
  step?: TrainParam,
  zero?: TrainParam,
): UniformQuantizerParams {
  const { qmin, qmax } = uniformQRange(p.bits, p.symmetric);
  let learned = step?.data;
  if (learned !== undefined && learned.length !== p.scale.length) {
    const { labels } = channelGroups(p.scale, p.zeroPoint);
    const groups = learned;
    learned = Float32Array.from(labels, (g) => groups[g]!);
  }
  const scale = learned === undefined ? p.scale : Float32Array.from(learned, (s) => Math.abs(s));
  const zeroPoint = zero === undefined
    ? p.zeroPoint
    : Float32Array.from(zero.data, (z) => Math.min(Math.max(roundHalfUp(z), qmin), qmax) || 0);
  const next: UniformQuantizerParams = { ...p, scale, zeroPoint };
  validateQuantizerParams(next);
  return next;
}

/** Rank of the tensor a per-channel activation quantizer reads, from its emitted scale constant's dims. */
function emittedRank(nodes: readonly Node[], id: string, p: QuantizerParams): number | undefined {
  if (p.kind !== "uniform" || p.axis === undefined) return undefined;
  const name = quantizerStepName(id, "scale");
  const c = nodes.flatMap((n) => n.inputs).find((t) => t.name === name);
  return c?.kind === "constant" ? p.axis + c.dims.length : undefined;
}

function missing(r: QuantizerRecord): SamqError {
  return new SamqError(
    "invalid_model",
    `Cannot bake quantizer "${r.id}": its emitted nodes are not in the graph`,
    {
      field: r.id,
    },
  );
}
