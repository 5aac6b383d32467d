/**
 * The identity of an evaluation record and its key (DESIGN §2 "Results"): the sha256 of the canonical
 * JSON (object keys sorted at every depth, no whitespace, `undefined` fields dropped) of everything that
 * decides the numbers — model file hashes and quantization identity, method, bits, dataset hash and spec,
 * mode, protocol options, image limit and seed. Timing, environment, dates and the command line are not
 * part of it, so a rerun of the same work finds its record and skips it.
 *
 * @module
 */
import { canonicalJson } from "../util/canonical_json.ts";
import { sha256Text } from "../util/hash.ts";

/** The parts of a record that identify its work (a record, or the parts known before running). */
export interface EvalKeyParts {
  model: {
    /** File name → sha256 of every model file (encoder, decoder, external data). */
    sha256: Record<string, string>;
    /** The quantization identity (its `sha256` is that of `quant.json`), absent for a float model. */
    quant?: { sha256: string };
  };
  /** "float" or the quantization method. */
  method: string;
  /** "fp32" or e.g. "w4a4". */
  bits: string;
  dataset: {
    /** The spec it was opened with. */
    spec: string;
    /** `Dataset.hash` (annotation bytes + image list). */
    hash: string;
    /** Images evaluated (the first N of the dataset), or null for all. */
    limit: number | null;
  };
  /** Evaluation mode. */
  mode: string;
  /** The mode's resolved protocol options (JSON). */
  protocol: unknown;
  seed: number;
}

/**
 * Computes the record key: sha256 of the canonical JSON of {model: {sha256, quantSha256}, method, bits,
 * dataset: {spec, hash}, mode, protocol, limit, seed}.
 *
 * @param parts The identifying parts (extra fields of a full record are ignored).
 * @returns Hex sha256.
 *
 * @example Usage
 * ```ts
 * import { evalRecordKey } from "./record_key.ts";
 * const parts = {
 *   model: { sha256: { "a.onnx": "00" } },
 *   method: "float", bits: "fp32", dataset: { spec: "x", hash: "y", limit: null },
 *   mode: "point", protocol: { b: 1, a: 2 }, seed: 0,
 * };
 * evalRecordKey(parts) === evalRecordKey({ ...parts, protocol: { a: 2, b: 1 } }); // true
 * ```
 */
export function evalRecordKey(parts: EvalKeyParts): string {
  const identity = {
    model: { sha256: parts.model.sha256, quantSha256: parts.model.quant?.sha256 ?? null },
    method: parts.method,
    bits: parts.bits,
    dataset: { spec: parts.dataset.spec, hash: parts.dataset.hash },
    mode: parts.mode,
    protocol: parts.protocol,
    limit: parts.dataset.limit,
    seed: parts.seed,
  };
  return sha256Text(canonicalJson(identity));
}
