/**
 * Applies quantizer parameters to a planned graph: emits every activation quantizer (uniform, log or HLUQ) in
 * front of its site's consumers and replaces every planned weight by its fake-quantized values.
 *
 * Weights are quantized at export time: the constant is replaced by `fakeQuant(W)` computed on the host
 * (bit-identical to what the emitted ops would compute, and no extra nodes), under the name
 * `samq.q/<id>` so that the audit finds it, and the quantizer is recorded like any other.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { Constant } from "../../onnx/ir/tensor.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { QuantizerParams, UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { validateQuantizerParams } from "../quantizers/validate_quantizer_params.ts";
import { quantizerTensorName } from "./_names.ts";
import { emitHluqQuantizer } from "./emit_hluq_quantizer.ts";
import { emitLogQuantizer } from "./emit_log_quantizer.ts";
import { emitUniformQuantizer } from "./emit_uniform_quantizer.ts";
import type { ActivationSite, WeightSite } from "./plan_quantizers.ts";
import { quantizerParamsToJson, type QuantizerRecord } from "./quantizer_record.ts";

/** Parameters chosen for one activation site. */
export interface ActivationAssignment {
  site: ActivationSite;
  params: QuantizerParams;
  /** Tensor rank (needed for per-channel parameters on a non-last axis). */
  rank?: number;
}

/** Parameters chosen for one weight site (uniform, per-tensor or per-channel on the weight). */
export interface WeightAssignment {
  site: WeightSite;
  params: UniformQuantizerParams;
}

/** What to insert into one graph. */
export interface QuantizerAssignments {
  activations: ActivationAssignment[];
  weights: WeightAssignment[];
}

/**
 * Inserts all quantizers into `graph` (in place), then toposorts it. Returns one record per quantizer.
 *
 * @throws {SamqError} `invalid_argument` for parameters that do not fit their tensor, or a site id used twice.
 */
export function insertQuantizers(graph: Graph, assignments: QuantizerAssignments): QuantizerRecord[] {
  const records: QuantizerRecord[] = [];
  const ids = new Set<string>();
  const claim = (id: string) => {
    if (ids.has(id)) {
      throw new SamqError("invalid_argument", `Cannot insert quantizer "${id}" twice`, { field: id });
    }
    ids.add(id);
  };
  for (const { site, params } of assignments.weights) {
    claim(site.id);
    const lin = site.linear;
    const w = lin.node.inputs[lin.weightSlot];
    if (w === undefined || w.kind !== "constant" || w.dtype !== "float32") {
      throw new SamqError("invalid_argument", `Cannot quantize weight "${site.id}": not a float32 constant`, {
        field: site.id,
      });
    }
    validateQuantizerParams(params, w.dims, site.id);
    const q = new Constant(
      quantizerTensorName(site.id),
      "float32",
      [...w.dims],
      fakeQuant(w.values() as Float32Array, w.dims, params),
    );
    for (const l of site.linears) l.node.setInput(l.weightSlot, q);
    records.push({
      id: site.id,
      name: q.name,
      part: site.part,
      target: "weight",
      roles: ["weight"],
      consumers: site.linears.map((l) => l.node.name),
      shape: [...w.dims],
      params: quantizerParamsToJson(params),
    });
  }
  for (const { site, params, rank } of assignments.activations) {
    claim(site.id);
    const opts = { id: site.id, consumers: site.consumers };
    const y = params.kind === "log"
      ? emitLogQuantizer(graph, site.tensor, params, opts)
      : params.kind === "hluq"
      ? emitHluqQuantizer(graph, site.tensor, params, opts)
      : emitUniformQuantizer(graph, site.tensor, params, rank === undefined ? opts : { ...opts, rank });
    records.push({
      id: site.id,
      name: y.name,
      part: site.part,
      target: "activation",
      roles: [...site.roles],
      consumers: site.consumers.map((n) => n.name),
      shape: [],
      params: quantizerParamsToJson(params),
    });
  }
  graph.toposort();
  return records;
}
