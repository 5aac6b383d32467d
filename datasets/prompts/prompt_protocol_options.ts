/**
 * Options of the prompt protocols (spec §A4, DESIGN §3). Recorded verbatim in every run record so that a
 * number can be traced to the exact prompts that produced it. Defaults live only in
 * {@link PROMPT_PROTOCOL_DEFAULTS}.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Every knob of the point, box and detector-box prompt protocols. */
export interface PromptProtocolOptions {
  /**
   * Point rule: "center" = the mask pixel farthest from the boundary (exact EDT, 1-pixel zero border,
   * first maximum in row-major order; spec §A4.1).
   * @default "center"
   */
  pointRule: "center";
  /**
   * Exclude crowd (iscrowd = 1) objects from point/box prompts; they stay in the GT for mAP.
   * @default true
   */
  skipCrowd: boolean;
  /**
   * Skip objects whose stored `area` is below this (EV skips area < 1).
   * @default 1
   */
  minArea: number;
  /**
   * COCO bbox results file with detector boxes; null = GT boxes with score 1 (the oracle-box variant).
   * @default null
   */
  detections: string | null;
  /**
   * Keep detections with score ≥ this.
   * @default 0
   */
  detScoreThreshold: number;
  /**
   * Keep at most this many detections per image (highest score first, ties in file order); null = all.
   * @default null
   */
  detTopK: number | null;
}

/** Paper-faithful defaults (spec §A4). Frozen. */
export const PROMPT_PROTOCOL_DEFAULTS: Readonly<PromptProtocolOptions> = Object.freeze({
  pointRule: "center",
  skipCrowd: true,
  minArea: 1,
  detections: null,
  detScoreThreshold: 0,
  detTopK: null,
});

function bad(field: string, message: string): SamqError {
  return new SamqError("invalid_argument", `Cannot use prompt option "${field}": ${message}`, { field });
}

/**
 * Merges `partial` over {@link PROMPT_PROTOCOL_DEFAULTS} and validates the result.
 *
 * @param partial Options the caller set.
 * @returns A complete options record (JSON-serialisable, for the run store).
 * @throws {SamqError} `invalid_argument` with `field` naming the option.
 *
 * @example Usage
 * ```ts
 * import { resolvePromptProtocolOptions } from "./prompt_protocol_options.ts";
 * resolvePromptProtocolOptions({ detTopK: 100 }).detScoreThreshold; // 0
 * ```
 */
export function resolvePromptProtocolOptions(
  partial: Partial<PromptProtocolOptions> = {},
): PromptProtocolOptions {
  for (const key of Object.keys(partial)) {
    if (!(key in PROMPT_PROTOCOL_DEFAULTS)) throw bad(key, "unknown option");
  }
  const o: PromptProtocolOptions = { ...PROMPT_PROTOCOL_DEFAULTS, ...partial };
  if (o.pointRule !== "center") throw bad("pointRule", `must be "center", got "${String(o.pointRule)}"`);
  if (typeof o.skipCrowd !== "boolean") throw bad("skipCrowd", "must be a boolean");
  if (typeof o.minArea !== "number" || !(o.minArea >= 0)) throw bad("minArea", "must be a number ≥ 0");
  if (o.detections !== null && (typeof o.detections !== "string" || o.detections === "")) {
    throw bad("detections", "must be a file path or null");
  }
  if (typeof o.detScoreThreshold !== "number" || !Number.isFinite(o.detScoreThreshold)) {
    throw bad("detScoreThreshold", "must be a finite number");
  }
  if (o.detTopK !== null && (!Number.isInteger(o.detTopK) || o.detTopK < 1)) {
    throw bad("detTopK", `must be a positive integer or null, got ${String(o.detTopK)}`);
  }
  return o;
}
