/**
 * The one way from a stored JSON line back to an {@link EvalRecord}: every field the record type
 * promises is checked, the mode's metrics by the mode. Readers of a run store (the evaluation resume,
 * the bench, the report) go through it, so a malformed record fails where it is read, naming the file,
 * the line and the field, and nothing downstream re-types JSON by hand.
 *
 * Extra fields (a store's stamps, such as the bench's `bench`) are kept as they are.
 *
 * @module
 */
import { bitsLabel, FLOAT_BITS, parseBits } from "../util/bits.ts";
import { SamqError } from "../util/errors.ts";
import { STAT_KEYS } from "./coco/summarize.ts";
import { SIZE_BUCKETS } from "./metrics/object_size_buckets.ts";
import { EVAL_MODES } from "./modes/eval_options.ts";
import { EVAL_RECORD_SCHEMA, type EvalRecord } from "./record.ts";

/** Where a record was read: the file and its 1-based line. */
export interface RecordLocation {
  path: string;
  line: number;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isStrMap = (v: unknown) => isObj(v) && Object.values(v).every(isStr);

function isBitsLabel(v: unknown): boolean {
  if (v === FLOAT_BITS) return true;
  try {
    return isStr(v) && bitsLabel(parseBits(v)) === v;
  } catch {
    return false; // parseBits refused it: the record's check below names the field
  }
}

/** Checks `fields` of `o` (at JSON pointer-like `at`) with their predicates; returns the first failing name. */
function firstBad(o: Obj, at: string, fields: Record<string, (v: unknown) => boolean>): string | null {
  for (const [k, ok] of Object.entries(fields)) if (!ok(o[k])) return `${at}${k}`;
  return null;
}

const MEANS = { count: isNum, mIoU: isNumOrNull, mDice: isNumOrNull };
const RECALL = {
  maxDets: (v: unknown) => Array.isArray(v) && v.length === 3 && v.every(isNum),
  AR1: isNum,
  AR10: isNum,
  ARmax: isNum,
  ARs: isNum,
  ARm: isNum,
  ARl: isNum,
  proposals: isNum,
};

function badMetrics(mode: string, m: Obj): string | null {
  if (mode === "point" || mode === "box") {
    const bad = firstBad(m, "metrics/", { ...MEANS, bySize: isObj });
    if (bad !== null) return bad;
    for (const b of SIZE_BUCKETS) {
      const s = (m.bySize as Obj)[b];
      if (!isObj(s)) return `metrics/bySize/${b}`;
      const badS = firstBad(s, `metrics/bySize/${b}/`, MEANS);
      if (badS !== null) return badS;
    }
    return null;
  }
  if (mode === "auto") {
    const bad = firstBad(m, "metrics/", {
      AR100: isNum,
      AR1000: isNum,
      masksPerImage: isNum,
      ar100: isObj,
      ar1000: isObj,
    });
    return bad ?? firstBad(m.ar100 as Obj, "metrics/ar100/", RECALL) ??
      firstBad(m.ar1000 as Obj, "metrics/ar1000/", RECALL);
  }
  return firstBad(m, "metrics/", {
    ...Object.fromEntries(STAT_KEYS.map((k) => [k, isNum])),
    stats: (v) => Array.isArray(v) && v.length === STAT_KEYS.length && v.every(isNum),
    oracle: (v) => typeof v === "boolean",
    maskTokenUsed: (v) => v === null || isStr(v),
  });
}

function badRecord(r: Obj): string | null {
  const top = firstBad(r, "", {
    key: (v) => isStr(v) && v !== "",
    model: isObj,
    method: (v) => isStr(v) && v !== "",
    bits: isBitsLabel,
    dataset: isObj,
    mode: (v) => (EVAL_MODES as readonly unknown[]).includes(v),
    label: isStr,
    protocol: isObj,
    metrics: isObj,
    counts: isObj,
    timing: isObj,
    env: isObj,
    seed: isNum,
    createdAt: isStr,
    command: (v) => v === null || isStr(v),
  });
  if (top !== null) return top;
  const model = r.model as Obj;
  return firstBad(model, "model/", {
    name: isStr,
    dir: isStr,
    format: isStr,
    sha256: isStrMap,
    provenance: isStrMap,
    quant: (v) => v === undefined || isObj(v),
  }) ??
    (model.quant === undefined ? null : firstBad(model.quant as Obj, "model/quant/", {
      sha256: isStr,
      method: isStr,
      bits: isBitsLabel,
      fields: isObj,
    })) ??
    firstBad(r.dataset as Obj, "dataset/", {
      spec: isStr,
      name: isStr,
      hash: isStr,
      images: isNum,
      objects: isNum,
      limit: isNumOrNull,
    }) ??
    firstBad(r.timing as Obj, "timing/", {
      wallMs: isNum,
      encodeMs: isNum,
      decodeMs: isNum,
      imagesPerSec: isNum,
    }) ??
    firstBad(r.env as Obj, "env/", {
      samq: isStr,
      ort: isStr,
      ep: isStr,
      epReason: isStr,
      device: isStr,
      deno: isStr,
      os: isStr,
    }) ??
    badMetrics(r.mode as string, r.metrics as Obj);
}

/**
 * Checks one stored record and returns it typed.
 *
 * @param raw The parsed JSON of one line.
 * @param where The file and line, named in errors.
 * @returns The record (the same object).
 * @throws {SamqError} `incompatible` (field `line N/schema`) for another schema; `invalid_file` (field
 *   `line N/<path>`, e.g. `line 3/metrics/mIoU`) for a missing or malformed field.
 *
 * @example Usage
 * ```ts ignore
 * import { parseEvalRecord } from "./parse_eval_record.ts";
 * const record = parseEvalRecord(JSON.parse(line), { path: "runs/eval/records.jsonl", line: 1 });
 * if (record.mode === "point") console.log(record.metrics.mIoU);
 * ```
 */
export function parseEvalRecord(raw: unknown, where: RecordLocation): EvalRecord {
  const { path, line } = where;
  if (!isObj(raw)) {
    throw new SamqError("invalid_file", `Cannot read "${path}": line ${line} is not a JSON object`, {
      path,
      field: `line ${line}`,
    });
  }
  if (raw.schema !== EVAL_RECORD_SCHEMA) {
    throw new SamqError(
      "incompatible",
      `Cannot read "${path}": line ${line} has schema ${
        JSON.stringify(raw.schema ?? null)
      }, this samq reads "${EVAL_RECORD_SCHEMA}"`,
      { path, field: `line ${line}/schema` },
    );
  }
  const bad = badRecord(raw);
  if (bad !== null) {
    throw new SamqError(
      "invalid_file",
      `Cannot read "${path}": line ${line} field "${bad}" is missing or malformed`,
      { path, field: `line ${line}/${bad}` },
    );
  }
  return raw as EvalRecord;
}
