/**
 * What an evaluation record says about the model (DESIGN §2 "Model directory"): name, folder, format,
 * the sha256 of every model file (recomputed, not copied from `sam.json`), the provenance, and for a
 * quantized model the identity of its `quant.json`.
 *
 * A model folder with `quant.json` is quantized: `method` comes from its `method` field and `bits` from
 * its `bits` widths `{w, a}` (read by `readQuantJson`, the one reader of the file); otherwise the method
 * is "float" and the bits "fp32" (`FLOAT_BITS`). The record keeps the sha256 of `quant.json` and its top-level
 * scalar fields (method, bits, seed, …), not the per-tensor quantizer tables, plus what the report's
 * hygiene and protocol lines need: the weight granularity, the protocol (name and deviations; "unrecorded"
 * for files older than protocols) and the audit's verdict (null when the file has none).
 *
 * @module
 */
import { join } from "node:path";
import { bitsLabel, FLOAT_BITS } from "../util/bits.ts";
import { exists } from "../util/fs.ts";
import { sha256File } from "../util/hash.ts";
import { QUANT_JSON, readQuantJson } from "../quantize/quant_json.ts";
import type { SamModelDir } from "../sam/model_dir.ts";

/** Method name of an unquantized model. */
export const FLOAT_METHOD_NAME = "float";

/** The quantization identity of a model with `quant.json`. */
export interface EvalQuantInfo {
  /** sha256 of `quant.json`. */
  sha256: string;
  method: string;
  bits: string;
  /** Top-level scalar fields of `quant.json` (strings, numbers, booleans). */
  fields: Record<string, string | number | boolean>;
  /** `granularity.weights` of `quant.json`, or null. */
  weightGranularity: string | null;
  /** `protocol.name` and `protocol.deviations`; name "unrecorded" for files written before protocols. */
  protocol: { name: string; deviations: string[] };
  /**
   * The audit's verdict: `passed`, quantizers checked/passed, and whether its evaluation-graph part
   * found no training op (null when that part is not in the file). Null when `quant.json` has no audit.
   */
  audit: {
    passed: boolean;
    quantizersChecked: number | null;
    quantizersPassed: number | null;
    evaluationGraphsClean: boolean | null;
  } | null;
  /** Set by the evaluation path (`eval/check_evaluated_graphs.ts`) before any metric is computed. */
  evaluatedGraphs?: { files: string[]; trainingOps: number };
}

/** The `model` part of an evaluation record. */
export interface EvalModelInfo {
  name: string;
  dir: string;
  format: string;
  /** File name → sha256 (hex) of the encoder, the decoder and every file `sam.json` lists. */
  sha256: Record<string, string>;
  provenance: Record<string, string>;
  /** Present for quantized models. */
  quant?: EvalQuantInfo;
}

/** Model description plus the method and bits it implies. */
export interface EvalModelDescription {
  info: EvalModelInfo;
  method: string;
  bits: string;
}

function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : null;
}

function protocolOf(v: unknown): EvalQuantInfo["protocol"] {
  const p = obj(v);
  if (p === null || typeof p.name !== "string") return { name: "unrecorded", deviations: [] };
  const d = Array.isArray(p.deviations) ? p.deviations.filter((x): x is string => typeof x === "string") : [];
  return { name: p.name, deviations: d };
}

function auditOf(v: unknown): EvalQuantInfo["audit"] {
  const a = obj(v);
  if (a === null || typeof a.passed !== "boolean") return null;
  const q = obj(a.quantizers);
  const num = (x: unknown) => (typeof x === "number" ? x : null);
  const graphs = Array.isArray(a.evaluationGraphs) ? a.evaluationGraphs.map(obj) : null;
  return {
    passed: a.passed,
    quantizersChecked: num(q?.checked),
    quantizersPassed: num(q?.passed),
    evaluationGraphsClean: graphs === null
      ? null
      : graphs.every((g) => g !== null && Array.isArray(g.trainingOps) && g.trainingOps.length === 0),
  };
}

/**
 * Hashes the model files and reads `quant.json` when present.
 *
 * @param model A loaded model folder.
 * @returns The record's model part, the method and the bits.
 * @throws {SamqError} `not_found` for a listed file that is missing; `invalid_json` / `invalid_file` for a
 *   malformed `quant.json` (naming the field, e.g. "method" or "bits").
 */
export async function describeEvalModel(model: SamModelDir): Promise<EvalModelDescription> {
  const cfg = model.config;
  const files = [...new Set([cfg.files.encoder, cfg.files.decoder, ...Object.keys(cfg.sha256 ?? {})])].sort();
  const sha256: Record<string, string> = {};
  for (const f of files) sha256[f] = await sha256File(join(model.dir, f));
  const info: EvalModelInfo = {
    name: cfg.name,
    dir: model.dir,
    format: cfg.format,
    sha256,
    provenance: cfg.provenance ?? {},
  };
  const quantPath = join(model.dir, QUANT_JSON);
  if (!(await exists(quantPath))) return { info, method: FLOAT_METHOD_NAME, bits: FLOAT_BITS };
  const q = await readQuantJson(quantPath);
  const bits = bitsLabel(q.bits);
  const fields: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(q)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") fields[k] = v;
  }
  info.quant = {
    sha256: await sha256File(quantPath),
    method: q.method,
    bits,
    fields,
    weightGranularity: typeof obj(q.granularity)?.weights === "string"
      ? obj(q.granularity)!.weights as string
      : typeof q.granularity === "string"
      ? q.granularity
      : null,
    protocol: protocolOf(q.protocol),
    audit: auditOf(q.audit),
  };
  return { info, method: q.method, bits };
}
