/**
 * The evaluation record (DESIGN §2 "Results"): one JSON object per (model, method, bits, dataset, mode),
 * appended to a run store (`records/run_store.ts`); reports are rendered from these records only.
 *
 * Fields: `schema` ({@link EVAL_RECORD_SCHEMA}), `key` (see `record_key.ts`: the sha256 of the identity),
 * `model` {name, dir, format, sha256 per file, provenance, quant?}, `method` ("float" unless the model has
 * `quant.json`), `bits` ("fp32" or e.g. "w4a4"), `dataset` {spec, name, hash, images, objects, limit},
 * `mode`, `label` (e.g. "detbox (oracle-box)"), `protocol` (every option of the mode), `metrics`,
 * `counts`, `timing` {wallMs, encodeMs, decodeMs, imagesPerSec}, `env` {samq, ort, ep, epReason, device,
 * deno, os}, `seed`, `createdAt` (ISO 8601), `command` (the command line, or null).
 *
 * `EvalRecord` is a union discriminated by `mode`; each mode has its typed metrics, fractions in [0, 1]
 * (tables multiply by 100): point/box {@link PromptMetrics}, auto {@link AutoMetrics}, detbox
 * {@link DetboxMetrics}. Records are plain JSON; `parse_eval_record.ts` is the one way back from a stored
 * line to this type.
 *
 * @module
 */
import type { EvalEnv } from "./record_env.ts";
import { evalRecordKey } from "./record_key.ts";
import type { EvalModelInfo } from "./record_model.ts";
import type { Json } from "./modes/mode_runner.ts";
import type { EvalMode } from "./modes/eval_options.ts";
import type { MaskMetricSummary } from "./metrics/create_mask_metric_accumulator.ts";
import type { ProposalRecall } from "./metrics/evaluate_proposals.ts";
import type { StatKey } from "./coco/summarize.ts";

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

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Point and box metrics: mIoU and mDice per object (null when no object was scored), per COCO size too. */
export type PromptMetrics = MaskMetricSummary;

/** Automatic-mode metrics: class-agnostic AR@100 and AR@1000, with their full recall records. */
export interface AutoMetrics {
  AR100: number;
  AR1000: number;
  /** Proposals per evaluated image. */
  masksPerImage: number;
  ar100: ProposalRecall;
  ar1000: ProposalRecall;
}

/** Detector-box metrics: the 12 named COCOeval `segm` stats (−1 = no GT in that bucket) and their list. */
export type DetboxMetrics = Record<StatKey, number> & {
  /** pycocotools' `stats`, in its order. */
  stats: number[];
  /** Whether the boxes were the GT boxes (oracle-box variant). */
  oracle: boolean;
  /** "single-token", "best-of-3", both joined by "+", or null when no box was decoded. */
  maskTokenUsed: string | null;
};

/** Each mode with its metrics: the discriminated part of a record and of a mode's outcome. */
export type ModeMetrics =
  | { mode: "point"; metrics: PromptMetrics }
  | { mode: "box"; metrics: PromptMetrics }
  | { mode: "auto"; metrics: AutoMetrics }
  | { mode: "detbox"; metrics: DetboxMetrics };

/** The fields every record has whatever its mode. */
export interface EvalRecordCommon {
  model: EvalModelInfo;
  method: string;
  bits: string;
  dataset: EvalDatasetInfo;
  label: string;
  protocol: JsonObject;
  counts: JsonObject;
  timing: EvalTiming;
  env: EvalEnv;
  seed: number;
  createdAt: string;
  command: string | null;
}

/** Everything {@link buildEvalRecord} needs. */
export type EvalRecordParts = EvalRecordCommon & ModeMetrics;

/**
 * One evaluation record. Narrow on `mode` to reach the typed metrics; stores may stamp extra fields
 * (the bench adds `bench`), which the index signature admits.
 */
export type EvalRecord = EvalRecordParts & {
  schema: typeof EVAL_RECORD_SCHEMA;
  key: string;
  [field: string]: unknown;
};

/** The metrics type of one mode. */
export type MetricsOf<M extends EvalMode> = Extract<ModeMetrics, { mode: M }>["metrics"];

/**
 * Assembles a record and computes its key.
 *
 * @param parts Every field but `schema` and `key`.
 * @returns The record.
 */
export function buildEvalRecord(parts: EvalRecordParts): EvalRecord {
  return { schema: EVAL_RECORD_SCHEMA, key: evalRecordKey(parts), ...parts };
}
