/**
 * From an evaluation graph with emitted quantizers (`samq.q/<id>`, `quantize/insert/`) to a training
 * graph in which chosen quantizers are parametric (`parametric_quantizer.ts`): their parameters become
 * graph inputs named `samq.learn/<id>/<role>` (`_names.ts`), initialised from the quantizer records.
 * The evaluation graph is not modified (the training graph is a copy sharing constant values).
 *
 * Each quantizer gets a {@link QuantizerTreatment}:
 *
 * | mode    | activation                                        | weight                                     |
 * |---------|---------------------------------------------------|--------------------------------------------|
 * | "fixed" | the emitted chain as is (optionally dropped)       | the emitted fake-quantized constant        |
 * | "off"   | bypassed: readers get the float tensor             | the float weight                           |
 * | "learn" | parametric: Δ (`step`), z (`zero`), s (`logScale`), s_log and s_uni (`hluqScales`) | parametric Δ (`step`) or AdaRound V |
 *
 * A per-channel activation quantizer whose channels share parameters in groups (AHCPTQ's CAG,
 * `cag/channel_groups.ts`) learns one Δ per group when `groupedStep` is set: the graph input has G
 * entries and a constant Gather expands it to the C channels.
 *
 * Weights are fake-quantized from their float values (the folded float graph: `floatWeight`), optionally
 * transformed first (`transformWeight`, e.g. PQ-SAM's learned channel scales); activations may be
 * transformed before their quantizer (`transformActivation`). QDrop's dropping wraps any activation
 * quantizer that is not off.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Prng } from "../../util/prng.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { Constant, type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import { quantizerTensorName } from "../insert/_names.ts";
import { findEmittedChain } from "./_emitted_chain.ts";
import { quantizerParamsFromJson, type QuantizerRecord } from "../insert/quantizer_record.ts";
import type { UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { adaRoundInit } from "./adaround.ts";
import { CONTROL, learnParamName, type LearnRole } from "./_names.ts";
import { attr } from "../../onnx/ir/attribute.ts";
import { channelGroups } from "../cag/channel_groups.ts";
import { opBuilder } from "./_ops.ts";
import { emitParametricHluq } from "./parametric_hluq.ts";
import {
  emitAdaRoundWeight,
  emitDrop,
  emitParametricLog,
  emitParametricUniform,
} from "./parametric_quantizer.ts";

/** How a quantizer behaves in the training graph (see the module table). */
export interface QuantizerTreatment {
  mode: "learn" | "fixed" | "off";
  /** Learn Δ (uniform). */
  step?: boolean;
  /** Learn z (uniform activations: LSQ+ offset). */
  zero?: boolean;
  /** Learn the rounding by AdaRound (uniform weights; Δ and z fixed). */
  adaround?: boolean;
  /** Learn the log quantizer's s (AGQ). */
  logScale?: boolean;
  /** Learn an HLUQ quantizer's s_log and s_uni (AHCPTQ). */
  hluqScales?: boolean;
  /** With `step` on a per-channel activation: one Δ per group of equal (Δ, z) channels (AHCPTQ's CAG). */
  groupedStep?: boolean;
  /** QDrop dropping (activations). */
  drop?: boolean;
}

/** One learned parameter of a training graph. */
export interface LearnedParam {
  /** Graph input name (`samq.learn/<id>/<role>`). */
  name: string;
  /** Quantizer id (or GADT site id). */
  id: string;
  role: LearnRole;
  init: TrainParam;
  /** Q_P of the quantizer (LSQ gradient scale); absent for V and GADT parameters. */
  qmax?: number;
  /** Channels sharing the tensor (per-channel steps: C; else 1). */
  channels?: number;
  /** Elements per call: weights (W's size); activations: measured later from `quantizedTensor`. */
  elements?: number;
  /** Activations: the tensor the quantizer reads in the training graph. */
  quantizedTensor?: string;
}

/** The AdaRound terms of a training graph (for the regulariser). */
export interface AdaRoundTerm {
  id: string;
  /** V's input name and h(V)'s tensor name. */
  v: string;
  h: string;
  /** ⌊W/Δ⌋ (host copy, for the hard rounding). */
  floor: Float32Array;
}

/** Result of {@link buildTrainableGraph}. */
export interface TrainableGraph {
  graph: Graph;
  params: LearnedParam[];
  adaround: AdaRoundTerm[];
  /** Ids of the quantizers that drop (QDrop). */
  dropped: string[];
}

/** Options of {@link buildTrainableGraph}. */
export interface TrainableGraphOptions {
  treat(record: QuantizerRecord): QuantizerTreatment;
  /** The float (folded, untransformed) values of a weight record. */
  floatWeight(record: QuantizerRecord): { values: Float32Array; dims: number[] };
  /** Seeds of the drop ops. */
  prng: Prng;
  /** Optional transform of a learned weight before its quantizer (returns the tensor to quantize). */
  transformWeight?(graph: Graph, record: QuantizerRecord, w: Tensor): Tensor;
  /** Optional transform of a learned activation before its quantizer. */
  transformActivation?(graph: Graph, record: QuantizerRecord, x: Tensor): Tensor;
}

/** Builds the training copy of `quantized` (see the module doc). */
export function buildTrainableGraph(
  quantized: Graph,
  records: readonly QuantizerRecord[],
  options: TrainableGraphOptions,
): TrainableGraph {
  const g = extractSubgraph(
    quantized,
    quantized.inputs.map((t) => t.name),
    quantized.outputs.map((t) => t.name),
  );
  const nodes = new Map(g.nodes.map((n) => [n.name, n]));
  const out: TrainableGraph = { graph: g, params: [], adaround: [], dropped: [] };
  let prob: Variable | undefined;
  const control = () => {
    if (prob === undefined) {
      prob = new Variable(CONTROL.quantProb, "float32", []);
      g.inputs.push(prob);
    }
    return prob;
  };
  const input = (
    id: string,
    role: LearnRole,
    data: Float32Array,
    dims: number[],
    extra: Partial<LearnedParam> = {},
  ) => {
    const name = learnParamName(id, role);
    const v = new Variable(name, "float32", dims);
    g.inputs.push(v);
    out.params.push({ name, id, role, init: { data, dims }, ...extra });
    return v;
  };
  for (const r of records) {
    const t = options.treat(r);
    if (r.target === "activation") {
      const chain = findEmittedChain(g, r.id);
      if (chain === undefined) throw missing(r);
      const { input: x, output: y } = chain;
      if (t.mode === "off") {
        g.replaceAllUses(y, x);
        continue;
      }
      let q: Tensor = y;
      let read: Tensor = x;
      if (t.mode === "learn") {
        read = options.transformActivation?.(g, r, x) ?? x;
        const p = quantizerParamsFromJson(r.params, r.id);
        if (p.kind === "log") {
          const s = t.logScale
            ? input(r.id, "log_scale", Float32Array.of(p.scale), [], {
              qmax: 2 ** p.bits - 1,
              channels: 1,
              quantizedTensor: read.name,
            })
            : g.addConstant(`${r.id}/samq_scale`, Float32Array.of(p.scale), []);
          q = emitParametricLog(g, read, { bits: p.bits, tau: p.tau, scale: s }, r.id);
        } else if (p.kind === "hluq") {
          const scalar = (role: "hluq_log_scale" | "hluq_uni_scale", v: number) =>
            t.hluqScales
              ? input(r.id, role, Float32Array.of(v), [], { channels: 1, quantizedTensor: read.name })
              : g.addConstant(`${r.id}/samq_${role}`, Float32Array.of(v), []);
          q = emitParametricHluq(g, read, {
            bits: p.bits,
            shift: p.shift,
            logLevels: p.logLevels,
            scaleLog: scalar("hluq_log_scale", p.scaleLog),
            scaleUni: scalar("hluq_uni_scale", p.scaleUni),
          }, r.id);
        } else {
          q = emitParametricUniform(g, read, uniformInputs(g, r.id, p, t, -1, input, read.name), r.id);
        }
      }
      if (t.drop) {
        q = emitDrop(g, read, q, control(), options.prng.int(2 ** 31 - 1), `${r.id}/drop`);
        out.dropped.push(r.id);
      }
      if (q !== y) {
        for (const n of [...y.consumers]) n.inputs.forEach((u, i) => u === y && n.setInput(i, q));
      }
      continue;
    }
    // Weights: the linears reading `samq.q/<id>` (slot 1).
    const readers = r.consumers.map((name) => nodes.get(name));
    const wq = readers[0]?.inputs[1];
    if (
      readers.some((n) => n === undefined || n.inputs[1] !== wq) || wq?.name !== quantizerTensorName(r.id)
    ) throw missing(r);
    if (t.mode === "fixed") continue;
    const fw = options.floatWeight(r);
    let w: Tensor = Constant.of(g.uniqueName(`${r.id}.samq_float`), fw.values, fw.dims, "float32");
    if (t.mode === "learn") {
      w = options.transformWeight?.(g, r, w) ?? w;
      const p = quantizerParamsFromJson(r.params, r.id) as UniformQuantizerParams;
      if (t.adaround) {
        const init = adaRoundInit(fw.values, fw.dims, p);
        const v = input(r.id, "round", init.v, [...fw.dims]);
        const dims = broadcastDims(p, fw.dims.length);
        const res = emitAdaRoundWeight(g, {
          bits: p.bits,
          symmetric: p.symmetric,
          floor: g.addConstant(`${r.id}/samq_floor`, init.floor, [...fw.dims]),
          step: g.addConstant(`${r.id}/samq_step`, p.scale, dims),
          ...(p.zeroPoint.some((z) => z !== 0)
            ? { zero: g.addConstant(`${r.id}/samq_zero`, p.zeroPoint, dims) }
            : {}),
          v,
        }, r.id);
        out.adaround.push({ id: r.id, v: v.name, h: res.h.name, floor: init.floor });
        w = res.weight;
      } else {
        w = emitParametricUniform(
          g,
          w,
          uniformInputs(g, r.id, p, t, fw.dims.length, input, undefined, fw.values.length),
          r.id,
        );
      }
    }
    for (const n of readers) n!.setInput(1, w);
  }
  g.cleanup().toposort();
  return out;
}

type InputFn = (
  id: string,
  role: LearnRole,
  data: Float32Array,
  dims: number[],
  extra?: Partial<LearnedParam>,
) => Variable;

/** Step and zero tensors of a uniform quantizer (learned inputs or constants). `rank` −1: per-tensor activation. */
function uniformInputs(
  g: Graph,
  id: string,
  p: UniformQuantizerParams,
  t: QuantizerTreatment,
  rank: number,
  input: InputFn,
  quantizedTensor?: string,
  elements?: number,
) {
  const dims = rank < 0 ? (p.axis === undefined ? [] : [p.scale.length]) : broadcastDims(p, rank);
  const { qmax, qmin } = uniformQRange(p.bits, p.symmetric);
  const lsq = {
    qmax: p.symmetric ? qmax : qmax - qmin,
    channels: p.scale.length,
    ...(quantizedTensor === undefined ? {} : { quantizedTensor }),
    ...(elements === undefined ? {} : { elements }),
  };
  let step: Tensor;
  if (t.step && t.groupedStep && rank < 0 && p.axis !== undefined) {
    const groups = channelGroups(p.scale, p.zeroPoint);
    const learned = input(id, "step", groups.scale, [groups.groups], lsq);
    const b = opBuilder(g, `${id}/groups`);
    step = b.op("Gather", "Gather", [learned, b.int64("labels", [...groups.labels])], { axis: attr.int(0) });
  } else {
    step = t.step
      ? input(id, "step", Float32Array.from(p.scale), dims, lsq)
      : g.addConstant(`${id}/samq_step`, p.scale, dims);
  }
  const withZero = t.zero || p.zeroPoint.some((z) => z !== 0);
  const zero = !withZero
    ? undefined
    : t.zero
    ? input(id, "zero", Float32Array.from(p.zeroPoint), dims, lsq)
    : g.addConstant(`${id}/samq_zero`, p.zeroPoint, dims);
  return {
    bits: p.bits,
    symmetric: p.symmetric,
    step,
    ...(zero === undefined ? {} : { zero }),
    learnZero: t.zero === true,
  };
}

/** Dims of per-channel parameters broadcast along `axis` of a rank-`rank` tensor ([] per-tensor). */
export function broadcastDims(p: UniformQuantizerParams, rank: number): number[] {
  if (p.axis === undefined) return [];
  return [p.scale.length, ...Array.from({ length: rank - 1 - p.axis }, () => 1)];
}

function missing(r: QuantizerRecord): SamqError {
  return new SamqError(
    "invalid_model",
    `Cannot train quantizer "${r.id}": its emitted nodes are not in the graph`,
    {
      field: r.id,
    },
  );
}
