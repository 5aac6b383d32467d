/**
 * Emits a uniform affine fake quantizer as standard ONNX ops (DESIGN §2, §5), bit-identical to the host
 * reference `fakeQuant` (`quantize/quantizers/fake_quant.ts`):
 *
 *     reference:  u = x/Δ; r = ⌊u + 0.5⌋; q = clamp(r + z, qmin, qmax); x̂ = (q − z)·Δ
 *     emitted:    x̂ = Mul(Clip(Floor(Add(Div(x, Δ), 0.5)), qmin − z, qmax − z), Δ)
 *
 * The two agree bit for bit: Div, Add 0.5 and the final Mul are the same float32 operations, and for the
 * integer-valued r the reference's (clamp(r + z, qmin, qmax) − z) equals clamp(r, qmin − z, qmax − z)
 * exactly (integers below 2^24 are exact in float32; beyond that both saturate at the same bound). This
 * saves the Add/Sub of z: 5 ops per quantizer instead of 7, which matters for evaluation speed.
 *
 * Rounding is round-half-up through `Floor(u + 0.5)` because `Round` has no WebGPU kernel (DESIGN §5);
 * `Div`, `Add`, `Floor`, `Clip`, `Max`, `Min`, `Mul` run on every EP.
 *
 * Per-channel parameters become constants shaped to broadcast along `axis`: [C, 1, …, 1] with
 * rank − 1 − axis trailing ones (so `rank` is needed unless the axis is the last one); their bounds use
 * Max/Min, since Clip's bounds must be scalars. Clip takes its bounds as inputs, so the graph's default
 * opset must be ≥ 11.
 *
 * Names: nodes and constants `samq.q/<id>/<step>`, output `samq.q/<id>` (see `_names.ts`).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import { validateQuantizerParams } from "../quantizers/validate_quantizer_params.ts";
import { quantizerStepName, quantizerTensorName } from "./_names.ts";
import { chainNode, requireOpset, rewire } from "./_emit.ts";

/** Options of {@link emitUniformQuantizer}. */
export interface EmitQuantizerOptions {
  /** Quantizer id (names `samq.q/<id>/…`). @default x.name */
  id?: string;
  /** Nodes whose inputs are switched to the quantized tensor. @default all consumers of `x` */
  consumers?: readonly Node[];
  /** Rank of `x`, needed for per-channel parameters along an axis other than the last. @default undefined */
  rank?: number;
}

/**
 * Inserts the quantizer after `x` and rewires `consumers` to its output; returns the output variable
 * (named `samq.q/<id>`). Graph outputs keep reading `x`. Nodes are appended after `x`'s producer; run
 * `graph.toposort()` after all insertions.
 *
 * @throws {SamqError} `invalid_argument` for bad parameters or a per-channel axis without `rank`;
 *   `incompatible` when the graph's opset is below 11.
 */
export function emitUniformQuantizer(
  graph: Graph,
  x: Tensor,
  params: UniformQuantizerParams,
  options: EmitQuantizerOptions = {},
): Variable {
  validateQuantizerParams(params);
  requireOpset(graph, 11);
  const id = options.id ?? x.name;
  const consumers = [...(options.consumers ?? x.consumers)];
  const dims = broadcastDims(params, options.rank, id);
  const { qmin, qmax } = uniformQRange(params.bits, params.symmetric);
  const c = (step: string, v: ArrayLike<number>, d: number[]) =>
    graph.addConstant(quantizerStepName(id, step), Float32Array.from(v), d);
  const scale = c("scale", params.scale, dims);
  const lo = c("lower", params.zeroPoint.map((z) => qmin - z), dims);
  const hi = c("upper", params.zeroPoint.map((z) => qmax - z), dims);
  const chain = chainNode(graph, id, x.producer);
  let t = chain("Div", [x, scale]);
  t = chain("AddHalf", [t, c("half", [0.5], [])], "Add");
  t = chain("Floor", [t]);
  if (params.axis === undefined) t = chain("Clip", [t, lo, hi]);
  else t = chain("Min", [chain("Max", [t, lo]), hi]);
  const y = chain("Mul", [t, scale], "Mul", quantizerTensorName(id));
  rewire(consumers, x, y);
  return y;
}

function broadcastDims(p: UniformQuantizerParams, rank: number | undefined, id: string): number[] {
  if (p.axis === undefined) return [];
  const C = p.scale.length;
  if (rank === undefined) {
    throw new SamqError(
      "invalid_argument",
      `Cannot emit per-channel quantizer "${id}" along axis ${p.axis}: the tensor rank is unknown`,
      { field: "rank" },
    );
  }
  if (p.axis < 0 || p.axis >= rank) {
    throw new SamqError(
      "invalid_argument",
      `Cannot emit quantizer "${id}": axis ${p.axis} is not in rank ${rank}`,
      {
        field: "axis",
      },
    );
  }
  return [C, ...Array.from({ length: rank - 1 - p.axis }, () => 1)];
}
