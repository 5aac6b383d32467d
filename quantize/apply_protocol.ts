/**
 * Resolves the options of one quantization run under a protocol (`protocols.ts`): the protocol's
 * elements fill in what the caller did not set; what the caller set explicitly wins and, where it
 * contradicts the protocol, is listed as a deviation (recorded in `quant.json`, shown in the report).
 *
 * @module
 */
import { canonicalDatasetSpec } from "./calibrate/calibration_set.ts";
import type { Granularity, Scope } from "./methods/types.ts";
import type { QuantProtocol } from "./protocols.ts";

/** What the caller set (absent = not set) and what the run resolved independently of the protocol. */
export interface ProtocolRunInput {
  /** Weight granularity, when given explicitly. */
  granularity?: Granularity;
  /** Calibration image count, when given explicitly. */
  n?: number;
  /** Calibration dataset spec (resolved). */
  calib: string;
  /** Whether float-by-default parts are quantized (resolved). */
  includeFloatParts: boolean;
  /** Graphs quantized (resolved from "auto" for the model's layout). */
  scope: Scope;
}

/** The resolved protocol elements of a run. */
export interface ProtocolRun {
  granularity: Granularity;
  /** Calibration image count, or null when neither the caller nor the protocol pins one. */
  n: number | null;
  /** One line per element the run does not follow. */
  deviations: string[];
}

/** True when a dataset spec names a train split (`coco-tiny:train`, `coco:/x/coco:train2017`, `dsb2018`). */
export function isTrainSplit(spec: string): boolean {
  const canonical = canonicalDatasetSpec(spec);
  const rest = canonical.slice(canonical.indexOf(":") + 1);
  return /(^|[^a-z])train/i.test(rest);
}

/**
 * Applies `protocol` to a run (see the module doc).
 *
 * @param protocol The protocol.
 * @param input What the caller set and what the run resolved.
 * @returns Granularity and calibration count to use, and the deviations.
 *
 * @example Usage
 * ```ts
 * import { applyProtocol } from "./apply_protocol.ts";
 * import { PROTOCOLS } from "./protocols.ts";
 * const run = applyProtocol(PROTOCOLS.ptq4sam, {
 *   n: 2, calib: "coco-tiny:train", includeFloatParts: false, scope: "both",
 * });
 * run.granularity; // "per-channel"
 * run.deviations; // ["calibration on the first 2 images, not 32"]
 * ```
 */
export function applyProtocol(protocol: QuantProtocol, input: ProtocolRunInput): ProtocolRun {
  const deviations: string[] = [];
  const granularity = input.granularity ?? protocol.weights.granularity;
  if (granularity !== protocol.weights.granularity) {
    deviations.push(`weights ${granularity}, not ${protocol.weights.granularity}`);
  }
  const pinned = protocol.calibration.n;
  const n = input.n ?? pinned;
  if (pinned !== null && n !== pinned) deviations.push(`calibration on the first ${n} images, not ${pinned}`);
  if (protocol.calibration.split === "train" && !isTrainSplit(input.calib)) {
    deviations.push(`calibration set "${input.calib}" is not a train split`);
  }
  if (input.includeFloatParts) {
    deviations.push("patch embedding, prompt encoder and output heads quantized (include-float-parts)");
  }
  if (input.scope !== protocol.scope) {
    deviations.push(`only the ${input.scope} quantized (scope ${input.scope})`);
  }
  return { granularity, n, deviations };
}
