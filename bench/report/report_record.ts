/**
 * The report's view of a run record (`samq.eval/1`, checked and typed by `eval/parse_eval_record.ts`),
 * with the bench stamp (`bench.options`, see `bench/run.ts`): only what the report shows, flattened per
 * mode. A missing bench stamp reads as null or {}.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { JsonValue } from "../_canonical_json.ts";
import type { BenchMode } from "../config.ts";
import { STAT_KEYS } from "../../eval/coco/summarize.ts";
import { parseEvalRecord, type RecordLocation } from "../../eval/parse_eval_record.ts";
import type { EvalRecord } from "../../eval/record.ts";

/** Point/box metrics (fractions in [0, 1]). */
export interface PromptMetrics {
  mIoU: number;
  mDice: number;
  count: number | null;
}

/** Automatic-mode metrics. */
export interface AutoMetrics {
  AR100: number;
  AR1000: number;
  masksPerImage: number | null;
}

/** Detector-box metrics: COCOeval summary fields (fractions; -1 = no GT in that bucket). */
export interface DetboxMetrics {
  summary: Record<string, number>;
  oracle: boolean;
}

/** One record as the report sees it. */
export interface ReportRecord {
  key: string;
  model: string;
  /** Model file name → sha256 (or a single hash under "model"). */
  modelSha256: Record<string, string>;
  modelFormat: string | null;
  provenance: Record<string, string>;
  method: string;
  bits: string;
  /** The method variant's options (bench stamp), {} when absent. */
  options: Record<string, JsonValue>;
  dataset: string;
  datasetHash: string | null;
  images: number | null;
  objects: number | null;
  mode: BenchMode;
  prompt: PromptMetrics | null;
  auto: AutoMetrics | null;
  detbox: DetboxMetrics | null;
  /** Quantization wall time in ms (bench stamp, else `quant.json` wallTimeMs), null when unknown or float. */
  quantWallTimeMs: number | null;
  /** Identifies the quantized model (bench quantize key or quant.json sha256); null for float. */
  quantId: string | null;
  granularity: string | null;
  /**
   * The quantized model's protocol (`quant.json` → `protocol.name`); "unrecorded" for a quantized model
   * whose record or `quant.json` predates protocols; null for float.
   */
  protocol: string | null;
  /** The protocol deviations `quant.json` records (empty when none or unrecorded). */
  protocolDeviations: string[];
  /** The quantizer audit's verdict as the record carries it; null when absent (float, or older records). */
  audit: { passed: boolean; evaluationGraphsClean: boolean | null } | null;
  /**
   * Training ops the evaluation path found in the evaluated graphs (0: clean); null when the record does not
   * say (float, or records older than the check).
   */
  evaluatedTrainingOps: number | null;
  env: { samq: string | null; ort: string | null; ep: string | null; device: string | null };
  seed: number | null;
  command: string | null;
  createdAt: string | null;
}

type Obj = Record<string, unknown>;

const obj = (
  v: unknown,
): Obj | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? v as Obj : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function auditOf(a: Obj | null): ReportRecord["audit"] {
  if (a === null || typeof a.passed !== "boolean") return null;
  const clean = a.evaluationGraphsClean;
  return { passed: a.passed, evaluationGraphsClean: typeof clean === "boolean" ? clean : null };
}

/**
 * The report's view of one checked record.
 *
 * @param r A record from `parseEvalRecord`.
 * @param where The file (named in errors as `path`) and the 1-based line.
 * @returns The typed view.
 * @throws {SamqError} `invalid_file` naming the file and `line N/metrics/…` when a point/box record has no
 *   mean (no object was scored): the report has nothing to show for it.
 */
export function toReportRecord(r: EvalRecord, where: RecordLocation): ReportRecord {
  const fail = (field: string): never => {
    throw new SamqError(
      "invalid_file",
      `Cannot report "${where.path}": line ${where.line} field "${field}" is missing or malformed`,
      { path: where.path, field: `line ${where.line}/${field}` },
    );
  };
  const { model, dataset, env } = r;
  const quant = model.quant;
  const bench = obj(r.bench);
  const out: ReportRecord = {
    key: r.key,
    // The float model's name: the bench stamp, else a quantized model's provenance source.
    model: str(bench?.model) ?? (quant ? model.provenance.source : undefined) ?? model.name,
    modelSha256: model.sha256,
    modelFormat: model.format,
    provenance: model.provenance,
    method: r.method,
    bits: r.bits,
    options: (obj(bench?.options) ?? {}) as Record<string, JsonValue>,
    dataset: dataset.spec,
    datasetHash: dataset.hash,
    images: dataset.images,
    objects: dataset.objects,
    mode: r.mode,
    prompt: null,
    auto: null,
    detbox: null,
    quantWallTimeMs: num(bench?.quantWallTimeMs) ?? num(quant?.fields.wallTimeMs),
    quantId: str(bench?.quantizeKey) ?? quant?.sha256 ?? null,
    // Records written before protocols and audits carry neither: read them defensively.
    granularity: str(quant?.weightGranularity) ?? str(quant?.fields.granularity),
    protocol: quant === undefined ? null : str(obj(quant.protocol)?.name) ?? "unrecorded",
    protocolDeviations: strList(obj(quant?.protocol)?.deviations),
    audit: auditOf(obj(quant?.audit)),
    evaluatedTrainingOps: num(obj(quant?.evaluatedGraphs)?.trainingOps),
    env: { samq: env.samq, ort: env.ort, ep: env.ep, device: env.device },
    seed: r.seed,
    command: r.command,
    createdAt: r.createdAt,
  };
  if (r.mode === "point" || r.mode === "box") {
    const m = r.metrics;
    out.prompt = {
      mIoU: m.mIoU ?? fail("metrics/mIoU"),
      mDice: m.mDice ?? fail("metrics/mDice"),
      count: m.count,
    };
  } else if (r.mode === "auto") {
    const m = r.metrics;
    out.auto = { AR100: m.AR100, AR1000: m.AR1000, masksPerImage: m.masksPerImage };
  } else {
    const m = r.metrics;
    out.detbox = { summary: Object.fromEntries(STAT_KEYS.map((k) => [k, m[k]])), oracle: m.oracle };
  }
  return out;
}

/**
 * Parses a `records.jsonl` text (blank lines skipped) into report records.
 *
 * @param text File contents.
 * @param path File name for errors.
 * @returns Records in file order.
 * @throws {SamqError} `invalid_file` naming the line for bad JSON or a malformed record (`parseEvalRecord`).
 */
export function parseReportRecords(text: string, path: string): ReportRecord[] {
  const out: ReportRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new SamqError("invalid_file", `Cannot report "${path}": line ${i + 1} is not valid JSON`, {
        path,
        field: `line ${i + 1}`,
        cause: e,
      });
    }
    const where = { path, line: i + 1 };
    out.push(toReportRecord(parseEvalRecord(raw, where), where));
  });
  return out;
}
