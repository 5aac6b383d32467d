/**
 * The report's typed view of a run record (`samq.eval/1`, see `bench/run_store.ts` and the evaluation
 * runner), with the bench stamp (`bench.options`, see `bench/run.ts`). Only what the report shows is
 * read; missing optional parts read as null, a record without its identity fields is an error.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { JsonValue } from "../_canonical_json.ts";
import type { BenchMode } from "../config.ts";
import { BENCH_MODES } from "../config.ts";

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

function strMap(v: unknown): Record<string, string> {
  const o = obj(v);
  if (o === null) return typeof v === "string" ? { model: v } : {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) if (typeof x === "string") out[k] = x;
  return out;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function auditOf(a: Obj | null): ReportRecord["audit"] {
  if (a === null || typeof a.passed !== "boolean") return null;
  const clean = a.evaluationGraphsClean;
  return { passed: a.passed, evaluationGraphsClean: typeof clean === "boolean" ? clean : null };
}

/**
 * Reads one stored record.
 *
 * @param raw The parsed JSON record.
 * @param where The file (named in errors as `path`) and the 1-based line.
 * @returns The typed view.
 * @throws {SamqError} `invalid_file` naming the file and `line N/field` when key, model name, method, bits,
 *   dataset, mode or the mode's main metrics are missing.
 */
export function toReportRecord(raw: unknown, where: { path: string; line: number }): ReportRecord {
  const fail = (field: string): never => {
    throw new SamqError(
      "invalid_file",
      `Cannot report "${where.path}": line ${where.line} field "${field}" is missing or malformed`,
      { path: where.path, field: `line ${where.line}/${field}` },
    );
  };
  const r = obj(raw) ?? fail("/");
  const model = obj(r.model) ?? fail("model");
  const dataset = obj(r.dataset) ?? fail("dataset");
  const mode = str(r.mode);
  if (!(BENCH_MODES as readonly string[]).includes(mode ?? "")) fail("mode");
  const metrics = obj(r.metrics) ?? fail("metrics");
  const quant = obj(model.quant);
  const qFields = obj(quant?.fields) ?? quant ?? {};
  const bench = obj(r.bench);
  const env = obj(r.env) ?? {};
  const out: ReportRecord = {
    key: str(r.key) ?? fail("key"),
    // The float model's name: the bench stamp, else a quantized model's provenance source.
    model: str(bench?.model) ?? (quant ? str(obj(model.provenance)?.source) : null) ?? str(model.name) ??
      fail("model/name"),
    modelSha256: strMap(model.sha256),
    modelFormat: str(model.format),
    provenance: strMap(model.provenance),
    method: str(r.method) ?? fail("method"),
    bits: (str(r.bits) ?? fail("bits")).toLowerCase(),
    options: (obj(bench?.options) ?? {}) as Record<string, JsonValue>,
    dataset: str(dataset.spec) ?? str(dataset.name) ?? fail("dataset/spec"),
    datasetHash: str(dataset.hash),
    images: num(dataset.images),
    objects: num(dataset.objects),
    mode: mode as BenchMode,
    prompt: null,
    auto: null,
    detbox: null,
    quantWallTimeMs: num(bench?.quantWallTimeMs) ?? num(qFields.wallTimeMs),
    quantId: str(bench?.quantizeKey) ?? str(quant?.sha256),
    granularity: str(quant?.weightGranularity) ?? str(qFields.granularity),
    protocol: quant === null ? null : str(obj(quant.protocol)?.name) ?? "unrecorded",
    protocolDeviations: strList(obj(quant?.protocol)?.deviations),
    audit: auditOf(obj(quant?.audit)),
    evaluatedTrainingOps: num(obj(quant?.evaluatedGraphs)?.trainingOps),
    env: { samq: str(env.samq), ort: str(env.ort), ep: str(env.ep), device: str(env.device) },
    seed: num(r.seed),
    command: str(r.command),
    createdAt: str(r.createdAt),
  };
  if (mode === "point" || mode === "box") {
    out.prompt = {
      mIoU: num(metrics.mIoU) ?? fail("metrics/mIoU"),
      mDice: num(metrics.mDice) ?? fail("metrics/mDice"),
      count: num(metrics.count),
    };
  } else if (mode === "auto") {
    out.auto = {
      AR100: num(metrics.AR100) ?? fail("metrics/AR100"),
      AR1000: num(metrics.AR1000) ?? fail("metrics/AR1000"),
      masksPerImage: num(metrics.masksPerImage),
    };
  } else {
    // The named stats sit in `metrics.summary` or directly in `metrics` (the evaluation runner's form).
    const summary = obj(metrics.summary) ?? metrics;
    if (typeof summary.AP !== "number") fail("metrics/AP");
    const s: Record<string, number> = {};
    for (const [k, v] of Object.entries(summary)) if (typeof v === "number") s[k] = v;
    out.detbox = { summary: s, oracle: metrics.oracle === true };
  }
  return out;
}

/**
 * Parses a `records.jsonl` text (blank lines skipped) into report records.
 *
 * @param text File contents.
 * @param path File name for errors.
 * @returns Records in file order.
 * @throws {SamqError} `invalid_file` naming the line for bad JSON or a malformed record.
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
    out.push(toReportRecord(raw, { path, line: i + 1 }));
  });
  return out;
}
