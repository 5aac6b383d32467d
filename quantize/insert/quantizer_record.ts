/**
 * The JSON form of an emitted quantizer, as written to `quant.json`, and conversions between it and
 * {@link QuantizerParams}.
 *
 * | field     | meaning                                                                              |
 * |-----------|--------------------------------------------------------------------------------------|
 * | id        | site id: the quantized tensor's name (activation) or the weight constant's name         |
 * | name      | what the audit finds: `samq.q/<id>` (activation output tensor or weight constant)      |
 * | part      | "encoder" or "decoder"                                                               |
 * | target    | "activation" or "weight"                                                             |
 * | roles     | activation roles (`plan_quantizers.ts`) or ["weight"]                                 |
 * | consumers | node names reading the quantized tensor                                              |
 * | shape     | weight dims (activations: the rank-free [] unless known)                              |
 * | params    | kind, bits, symmetric, scale[], zeroPoint[], axis (uniform); kind, bits, tau, scale (log); |
 * |           | kind, bits, shift, logLevels, scaleLog, scaleUni (hluq)                                 |
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { QuantizerParams } from "../quantizers/quantizer_params.ts";
import { validateQuantizerParams } from "../quantizers/validate_quantizer_params.ts";
import type { ModelPart } from "../graph/types.ts";

/** JSON form of {@link QuantizerParams}. */
export type QuantizerParamsJson =
  | { kind: "uniform"; bits: number; symmetric: boolean; scale: number[]; zeroPoint: number[]; axis?: number }
  | { kind: "log"; bits: number; tau: number; scale: number }
  | { kind: "hluq"; bits: number; shift: number; logLevels: number; scaleLog: number; scaleUni: number };

/** One quantizer as recorded in `quant.json`. */
export interface QuantizerRecord {
  id: string;
  name: string;
  part: ModelPart;
  target: "activation" | "weight";
  roles: string[];
  consumers: string[];
  shape: number[];
  params: QuantizerParamsJson;
}

/** Converts params to JSON (typed arrays become number lists). */
export function quantizerParamsToJson(p: QuantizerParams): QuantizerParamsJson {
  if (p.kind === "log") return { kind: "log", bits: p.bits, tau: p.tau, scale: p.scale };
  if (p.kind === "hluq") {
    const { bits, shift, logLevels, scaleLog, scaleUni } = p;
    return { kind: "hluq", bits, shift, logLevels, scaleLog, scaleUni };
  }
  const out: QuantizerParamsJson = {
    kind: "uniform",
    bits: p.bits,
    symmetric: p.symmetric,
    scale: Array.from(p.scale),
    zeroPoint: Array.from(p.zeroPoint),
  };
  if (p.axis !== undefined) out.axis = p.axis;
  return out;
}

/**
 * Converts JSON back to params and validates them.
 *
 * @throws {SamqError} `invalid_json` naming `field` when the record is malformed.
 */
export function quantizerParamsFromJson(j: QuantizerParamsJson, field = "params"): QuantizerParams {
  let p: QuantizerParams;
  if (j?.kind === "log") {
    p = { kind: "log", bits: j.bits as QuantizerParams["bits"], tau: j.tau, scale: j.scale };
  } else if (j?.kind === "hluq") {
    const { shift, logLevels, scaleLog, scaleUni } = j;
    p = { kind: "hluq", bits: j.bits as QuantizerParams["bits"], shift, logLevels, scaleLog, scaleUni };
  } else if (j?.kind === "uniform" && Array.isArray(j.scale) && Array.isArray(j.zeroPoint)) {
    p = {
      kind: "uniform",
      bits: j.bits as QuantizerParams["bits"],
      symmetric: j.symmetric,
      scale: Float32Array.from(j.scale),
      zeroPoint: Float32Array.from(j.zeroPoint),
    };
    if (j.axis !== undefined) p.axis = j.axis;
  } else {
    throw new SamqError("invalid_json", `Cannot read quantizer parameters: unknown kind`, { field });
  }
  try {
    validateQuantizerParams(p, undefined, field);
  } catch (e) {
    throw new SamqError("invalid_json", (e as Error).message, { field, cause: e });
  }
  return p;
}
