/**
 * The evaluation record (DESIGN §2 "Results"): one JSON object per (model, method, bits, dataset, mode),
 * appended to a run store (`bench/run_store.ts`); reports are rendered from these records only.
 *
 * Fields: `schema` ({@link EVAL_RECORD_SCHEMA}), `key` (see `record_key.ts`: the sha256 of the identity),
 * `model` {name, dir, format, sha256 per file, provenance, quant?}, `method` ("float" unless the model has
 * `quant.json`), `bits` ("fp32" or e.g. "w4a4"), `dataset` {spec, name, hash, images, objects, limit},
 * `mode`, `label` (e.g. "detbox (oracle-box)"), `protocol` (every option of the mode), `metrics`,
 * `counts`, `timing` {wallMs, encodeMs, decodeMs, imagesPerSec}, `env` {samq, ort, ep, epReason, device,
 * deno, os}, `seed`, `createdAt` (ISO 8601), `command` (the command line, or null).
 *
 * Metrics are fractions in [0, 1] (tables multiply by 100): point/box {count, mIoU, mDice, bySize};
 * auto {AR100, AR1000, masksPerImage, ar100, ar1000}; detbox the 12 named COCOeval stats plus `stats`,
 * `oracle` and `maskTokenUsed`.
 *
 * @module
 */
import type { EvalEnv } from "./record_env.ts";
import { evalRecordKey } from "./record_key.ts";
import type { EvalModelInfo } from "./record_model.ts";
import type { Json } from "./modes/mode_runner.ts";

/** Schema tag of evaluation records (bump on incompatible changes). */
export const EVAL_RECORD_SCHEMA = "samq.eval/1";

/** The `dataset` part of a record. */
export interface EvalDatasetInfo {
  /** The spec it was opened with, e.g. "coco-tiny:val". */
  spec: string;
  /** Dataset name (as described by the loader). */
  name: string;
  /** `Dataset.hash`. */
  hash: string;
  /** Images this record's mode evaluated. */
  images: number;
  /** Objects (crowd included) in those images. */
  objects: number;
  /** The dataset limit (first N images), or null. */
  limit: number | null;
}

/** Timing of one mode. */
export interface EvalTiming {
  /** encodeMs plus the mode's own time (decoding, metrics, COCOeval), as if it ran alone. */
  wallMs: number;
  /** Encoder time of the images this mode evaluated (shared with the other modes of the pass). */
  encodeMs: number;
  /** Time spent decoding prompts (decoder runs and mask upsampling). */
  decodeMs: number;
  /** images / (wallMs / 1000). */
  imagesPerSec: number;
}

/** One evaluation record. */
export interface EvalRecord {
  schema: typeof EVAL_RECORD_SCHEMA;
  key: string;
  model: EvalModelInfo;
  method: string;
  bits: string;
  dataset: EvalDatasetInfo;
  mode: string;
  label: string;
  protocol: { [key: string]: Json };
  metrics: { [key: string]: Json };
  counts: { [key: string]: Json };
  timing: EvalTiming;
  env: EvalEnv;
  seed: number;
  createdAt: string;
  command: string | null;
  [field: string]: unknown;
}

/** Everything {@link buildEvalRecord} needs. */
export interface EvalRecordParts {
  model: EvalModelInfo;
  method: string;
  bits: string;
  dataset: EvalDatasetInfo;
  mode: string;
  label: string;
  protocol: { [key: string]: Json };
  metrics: { [key: string]: Json };
  counts: { [key: string]: Json };
  timing: EvalTiming;
  env: EvalEnv;
  seed: number;
  createdAt: string;
  command: string | null;
}

/**
 * Assembles a record and computes its key.
 *
 * @param parts Every field but `schema` and `key`.
 * @returns The record.
 */
export function buildEvalRecord(parts: EvalRecordParts): EvalRecord {
  return { schema: EVAL_RECORD_SCHEMA, key: evalRecordKey(parts), ...parts };
}
