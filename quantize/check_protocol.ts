/**
 * Checks the quantized graphs of a run against its protocol (`protocols.ts`), on the graphs as the method
 * left them (node names looked up in the current graph, so folding and re-emission cannot hide anything):
 *
 * - weights: every weight quantizer is uniform asymmetric at the requested granularity (per-channel =
 *   `axis` set) — a mismatch means the method ignored `options.granularity` and is refused;
 * - attention matmuls: both inputs of every in-scope q·kᵀ and probs·v are activation-quantizer outputs
 *   (`samq.q/<id>`) — one left float is refused;
 * - float ops: no LayerNorm node and no GELU Erf reads a quantized tensor, no quantizer reads or feeds a
 *   float-by-default layer (patch embedding, prompt encoder, output heads) unless `includeFloatParts` —
 *   refused otherwise;
 * - activations: uniform per-tensor asymmetric is the protocol; per-channel or symmetric activation
 *   quantizers (a method's own extension) are counted and listed as deviations; logarithmic ones (AGQ,
 *   log√2 softmax quantizers — per-tensor, the method's own grid) are counted.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { Graph } from "../onnx/ir/graph.ts";
import type { Node } from "../onnx/ir/node.ts";
import type { PreparedModel } from "./graph/prepare_sam_model.ts";
import type { ModelPart } from "./graph/types.ts";
import type { QuantizerRecord } from "./insert/quantizer_record.ts";
import { quantizerTensorName } from "./insert/_names.ts";
import type { Granularity } from "./methods/types.ts";
import type { QuantProtocol } from "./protocols.ts";

/** What the check counted (written into `quant.json` under `protocol.check`). */
export interface ProtocolCheck {
  weights: { perChannel: number; perTensor: number };
  activations: {
    uniformPerTensor: number;
    perChannel: number;
    symmetric: number;
    log: number;
    hybrid: number;
  };
  /** In-scope attentions and those whose two matmuls both read quantized inputs. */
  attentions: { inScope: number; bothMatmulsQuantized: number };
  /** LayerNorms and GELUs of the quantized parts (all float when the check passes). */
  floatOps: { layerNorms: number; gelus: number };
}

/** Inputs of {@link checkProtocol}. */
export interface CheckProtocolInput {
  protocol: QuantProtocol;
  /** The granularity the run asked for (the protocol's unless overridden). */
  granularity: Granularity;
  includeFloatParts: boolean;
  model: PreparedModel;
  quantizedParts: readonly ModelPart[];
  records: readonly QuantizerRecord[];
}

/** Result: the counts and the activation deviations (the refused cases throw). */
export interface CheckProtocolResult {
  check: ProtocolCheck;
  deviations: string[];
}

function nodesByName(graph: Graph): Map<string, Node> {
  return new Map(graph.nodes.map((n) => [n.name, n]));
}

/**
 * Checks the run (see the module doc).
 *
 * @throws {SamqError} `incompatible` (field "protocol") naming the first broken element.
 */
export function checkProtocol(input: CheckProtocolInput): CheckProtocolResult {
  const { protocol, records } = input;
  const refuse = (what: string): SamqError =>
    new SamqError("incompatible", `Cannot follow protocol "${protocol.name}": ${what}`, {
      field: "protocol",
    });
  const check: ProtocolCheck = {
    weights: { perChannel: 0, perTensor: 0 },
    activations: { uniformPerTensor: 0, perChannel: 0, symmetric: 0, log: 0, hybrid: 0 },
    attentions: { inScope: 0, bothMatmulsQuantized: 0 },
    floatOps: { layerNorms: 0, gelus: 0 },
  };
  for (const r of records) {
    const p = r.params;
    if (r.target === "weight") {
      if (p.kind !== "uniform" || p.symmetric) {
        throw refuse(`weight quantizer "${r.id}" is not uniform asymmetric`);
      }
      const g: Granularity = p.axis === undefined ? "per-tensor" : "per-channel";
      if (g === "per-channel") check.weights.perChannel++;
      else check.weights.perTensor++;
      if (g !== input.granularity) {
        throw refuse(`weight quantizer "${r.id}" is ${g}, the run asked ${input.granularity}`);
      }
    } else if (p.kind === "log") check.activations.log++;
    else if (p.kind === "hluq") check.activations.hybrid++; // AHCPTQ's log-uniform post-GELU quantizer
    else if (p.axis !== undefined) check.activations.perChannel++;
    else if (p.symmetric) check.activations.symmetric++;
    else check.activations.uniformPerTensor++;
  }
  const quantized = new Set(
    records.filter((r) => r.target === "activation").map((r) => quantizerTensorName(r.id)),
  );
  for (const part of input.quantizedParts) {
    const prepared = input.model[part];
    const patterns = prepared.patterns;
    const byName = nodesByName(prepared.model.graph);
    const current = (n: Node): Node => {
      const found = byName.get(n.name);
      if (found === undefined) throw refuse(`${part} node "${n.name}" is gone`);
      return found;
    };
    const inScope = (s: { scope: { floatByDefault: boolean } }) =>
      input.includeFloatParts || !s.scope.floatByDefault;
    for (const a of patterns.attentions.filter(inScope)) {
      check.attentions.inScope++;
      for (const mm of [a.qk, a.av]) {
        const n = current(mm);
        const float = n.inputs.slice(0, 2).find((t) => !quantized.has(t.name));
        if (float !== undefined) {
          throw refuse(`${part} attention matmul "${n.name}" reads float "${float.name}"`);
        }
      }
      check.attentions.bothMatmulsQuantized++;
    }
    const floatNodes: string[] = [];
    for (const ln of patterns.layerNorms) {
      check.floatOps.layerNorms++;
      floatNodes.push(...ln.nodes.map((n) => n.name));
    }
    for (const g of patterns.gelus) {
      check.floatOps.gelus++;
      floatNodes.push(g.node.name);
    }
    for (const name of floatNodes) {
      const n = byName.get(name);
      const q = n?.inputs.find((t) => quantized.has(t.name));
      if (q !== undefined) throw refuse(`${part} LayerNorm/GELU node "${name}" reads quantized "${q.name}"`);
    }
    if (!input.includeFloatParts) {
      const floatLayers = new Set(
        patterns.linears.filter((l) => l.scope.floatByDefault).map((l) => l.node.name),
      );
      const r = records.find((r) => r.part === part && r.consumers.some((c) => floatLayers.has(c)));
      if (r !== undefined) {
        throw refuse(`quantizer "${r.id}" feeds a float-by-default layer (${r.consumers.join(", ")})`);
      }
    }
  }
  const deviations: string[] = [];
  const a = check.activations;
  if (a.perChannel > 0) {
    deviations.push(`${a.perChannel} activation quantizer(s) per-channel (the method's own)`);
  }
  if (a.symmetric > 0) deviations.push(`${a.symmetric} activation quantizer(s) symmetric (the method's own)`);
  return { check, deviations };
}
