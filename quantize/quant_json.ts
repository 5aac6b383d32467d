/**
 * `quant.json`: everything needed to know how a quantized model directory was made (DESIGN §2). It sits
 * beside `sam.json` and the ONNX files; nothing in it is needed to run the model.
 *
 * | field           | content                                                                        |
 * |-----------------|--------------------------------------------------------------------------------|
 * | schema          | 1                                                                              |
 * | method          | registry name; `methodOptions`: the resolved typed options of the method        |
 * | bits            | `{ w, a }` and `bitsLabel` (`w4a4`)                                             |
 * | granularity     | `{ weights: per-tensor | per-channel, activations: per-tensor }`                |
 * | protocol        | `protocol_record.ts`: protocol name, elements as run, deviations, check counts;  |
 * |                 | absent in files written before protocols (read as "unrecorded")                 |
 * | scope           | encoder | decoder | both; `quantizedParts`; `includeFloatParts`                     |
 * | seed, ep        | seed of every random draw; execution provider of calibration and audit          |
 * | source          | source model name, folder and file sha256s                                     |
 * | calibration     | spec, dataset hash, image count and ids, prompts per image, runs, disjointness  |
 * | quantizers      | every quantizer (`insert/quantizer_record.ts`)                                  |
 * | folds           | every folded LayerNorm → Linear transform                                      |
 * | timingsMs       | wall time per phase (prepare, calibrate, fold, emit, audit, write) and total   |
 * | audit           | the audit result (`audit/audit_quantized_model.ts`)                             |
 * | versions        | samq, onnxruntime-node, deno                                                   |
 * | notes           | decisions worth reading                                                        |
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { isBitWidth } from "../util/bits.ts";
import { readJsonFile, writeFileAtomic } from "../util/fs.ts";
import type { AuditResult } from "./audit/audit_quantized_model.ts";
import type { DisjointCheck } from "./calibrate/calibration_set.ts";
import type { QuantizePhase } from "./calibrate/progress.ts";
import type { ModelPart } from "./graph/types.ts";
import type { QuantizerRecord } from "./insert/quantizer_record.ts";
import type { BitWidths, FoldRecord, Granularity, Scope } from "./methods/types.ts";
import type { ProtocolRecord } from "./protocol_record.ts";

/** File name of the quantization record in a model directory. */
export const QUANT_JSON = "quant.json";

/** The parsed `quant.json`. */
export interface QuantJson {
  schema: 1;
  method: string;
  methodOptions: Record<string, unknown>;
  bits: BitWidths;
  bitsLabel: string;
  granularity: { weights: Granularity; activations: "per-tensor" };
  /** Absent in `quant.json` files written before protocols existed. */
  protocol?: ProtocolRecord;
  scope: Scope;
  quantizedParts: ModelPart[];
  includeFloatParts: boolean;
  seed: number;
  ep: string;
  source: { name: string; dir: string; sha256: Record<string, string> };
  calibration: {
    spec: string;
    hash: string;
    images: number;
    imageIds: number[];
    promptsPerImage: number;
    encoderRuns: number;
    decoderRuns: number;
    disjoint: DisjointCheck;
  };
  quantizers: QuantizerRecord[];
  folds: FoldRecord[];
  timingsMs: Partial<Record<QuantizePhase | "total", number>>;
  audit: AuditResult;
  versions: { samq: string; onnxruntime: string; deno: string };
  notes: string[];
}

/** Writes `quant.json` into `dir` (atomically). */
export async function writeQuantJson(dir: string, q: QuantJson): Promise<void> {
  await writeFileAtomic(join(dir, QUANT_JSON), JSON.stringify(q, null, 1) + "\n");
}

/**
 * Reads and checks the main fields of a `quant.json`.
 *
 * @throws {SamqError} `not_found`, `invalid_json`, or `invalid_file` naming the field.
 */
export async function readQuantJson(path: string): Promise<QuantJson> {
  const raw = await readJsonFile(path) as Record<string, unknown>;
  const need = (cond: unknown, field: string, what: string) => {
    if (!cond) {
      throw new SamqError("invalid_file", `Cannot read "${path}": field "${field}" ${what}`, { path, field });
    }
  };
  need(raw && typeof raw === "object", "/", "must be an object");
  need(raw.schema === 1, "schema", "must be 1");
  need(typeof raw.method === "string" && raw.method !== "", "method", "is missing");
  const bits = raw.bits as Record<string, unknown> | null | undefined;
  need(
    bits && typeof bits === "object" && isBitWidth(bits.w) && isBitWidth(bits.a),
    "bits",
    "must be {w, a} with widths 2–8",
  );
  need(Array.isArray(raw.quantizers), "quantizers", "must be a list");
  need(raw.audit && typeof raw.audit === "object", "audit", "is missing");
  if (raw.protocol !== undefined) {
    const p = raw.protocol as Record<string, unknown> | null;
    need(p !== null && typeof p === "object" && !Array.isArray(p), "protocol", "must be an object");
    need(typeof p!.name === "string", "protocol/name", "must be a string");
    need(Array.isArray(p!.deviations), "protocol/deviations", "must be a list");
  }
  return raw as unknown as QuantJson;
}

/** The protocol a `quant.json` records, or "unrecorded" for files written before protocols existed. */
export function quantProtocolName(q: Pick<QuantJson, "protocol">): string {
  return q.protocol?.name ?? "unrecorded";
}
