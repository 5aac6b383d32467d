/**
 * What an evaluation record says about the model (DESIGN §2 "Model directory"): name, folder, format,
 * the sha256 of every model file (recomputed, not copied from `sam.json`), the provenance, and for a
 * quantized model the identity of its `quant.json`.
 *
 * A model folder with `quant.json` is quantized: `method` comes from its `method` field and `bits` from
 * its `bits` widths `{w, a}` (read by `readQuantJson`, the one reader of the file); otherwise the method
 * is "float" and the bits "fp32" (`FLOAT_BITS`). The record keeps the sha256 of `quant.json` and its top-level
 * scalar fields (method, bits, granularity, seed, …), not the per-tensor quantizer tables.
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
  info.quant = { sha256: await sha256File(quantPath), method: q.method, bits, fields };
  return { info, method: q.method, bits };
}
