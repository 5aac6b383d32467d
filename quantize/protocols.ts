/**
 * Evaluation protocols: the named comparison settings of the published SAM PTQ papers, the one place
 * that says what `--protocol NAME` means (spec §14.2: granularity, symmetry, calibration and the set of
 * float layers must be identical for every compared method; each result must state them).
 *
 * | element                  | `pq-sam` (default)                   | `ptq4sam` (PTQ4SAM / AHCPTQ / SAQ-SAM)             |
 * |--------------------------|--------------------------------------|----------------------------------------------------|
 * | weights                  | per-tensor, asymmetric               | per-channel (output channel), asymmetric            |
 * | activations              | per-tensor, asymmetric               | per-tensor, asymmetric                              |
 * | calibration              | not pinned (samq's first 32 images)  | the first 32 images of a train split (§4.1)         |
 * | left float               | LayerNorm, GELU, softmax computation, residual adds, patch embedding, prompt encoder, output heads (upscaling, hypernetwork MLPs, IoU head) — both |
 * | attention matmuls        | both inputs of q·kᵀ and of probs·v quantized — both                                                      |
 * | detbox masks             | single-mask token 0 (`multimask_output=False`), score = detector score × predicted IoU — both (§4.6, §11 P1) |
 *
 * PQ-SAM's rebuttal compares per-tensor weights and activations (spec §12, §13 item 9); its 100
 * calibration images have an unknown source (§13 item 7), so that preset does not pin a count. Weight and
 * activation initializers (PTQ4SAM's L_p MSE search, AdaRound and LSQ where learned) are each method's own
 * algorithm and are not overridden: a protocol fixes what every compared method shares.
 *
 * How a run uses a protocol (`applyProtocol`, `checkProtocol`):
 * - its elements are the defaults of the run; an option given explicitly that contradicts one (e.g.
 *   `--n 2` under `ptq4sam`, `--granularity per-tensor`, `--include-float-parts`, a non-train calibration
 *   split, a scope that leaves a graph float) is honoured and **recorded** as a deviation in `quant.json`
 *   and in the report — never silently;
 * - after the method ran, the quantized graphs are checked against the protocol: weights at another
 *   granularity than requested, an in-scope attention matmul input left float, or a quantizer inside a
 *   LayerNorm/GELU or on a float-by-default layer break the method contract and are refused
 *   (`SamqError` `incompatible`, field "protocol"); activation quantizers that are not per-tensor uniform
 *   (a method's own extension, e.g. AGQ's log softmax quantizer) are recorded as deviations.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { Granularity } from "./methods/types.ts";

/** Protocol names. */
export const PROTOCOL_NAMES = ["pq-sam", "ptq4sam"] as const;
/** One of {@link PROTOCOL_NAMES}. */
export type ProtocolName = typeof PROTOCOL_NAMES[number];

/** The protocol of a run that names none (the toolkit's behaviour before protocols were named). */
export const DEFAULT_PROTOCOL: ProtocolName = "pq-sam";

/** One protocol (see the module table). */
export interface QuantProtocol {
  name: ProtocolName;
  /** One line for `--list` and the report. */
  summary: string;
  /** Spec sections it follows. */
  spec: string;
  weights: { granularity: Granularity; symmetric: false };
  activations: { granularity: "per-tensor"; symmetric: false };
  /** Calibration: the first `n` images of a `split` split; null = not pinned. */
  calibration: { n: number | null; split: "train" | null; selection: "first" };
  /** Patch embedding, prompt encoder and output heads stay float. */
  floatParts: "float";
  /** Both attention matmuls (q·kᵀ and probs·v) get quantized inputs. */
  attentionMatmuls: "both";
  /** Graphs quantized (the official layout has both; others quantize the encoder only). */
  scope: "both";
  /** How the detector-box mode keeps and scores masks. */
  detbox: { mask: "single-token"; score: "detector-x-predicted-iou" };
}

const LEFT_FLOAT = "LayerNorm, GELU, softmax computation, patch embedding, prompt encoder, output heads";

/** The protocols, by name. */
export const PROTOCOLS: Readonly<Record<ProtocolName, QuantProtocol>> = Object.freeze({
  "pq-sam": Object.freeze<QuantProtocol>({
    name: "pq-sam",
    summary: `PQ-SAM's comparison: per-tensor asymmetric weights and activations; ${LEFT_FLOAT} float; ` +
      "both attention matmuls quantized; detbox single-mask, score = detector × predicted IoU",
    spec: "spec §3.1, §12, §13 item 9, §14.2",
    weights: { granularity: "per-tensor", symmetric: false },
    activations: { granularity: "per-tensor", symmetric: false },
    calibration: { n: null, split: null, selection: "first" },
    floatParts: "float",
    attentionMatmuls: "both",
    scope: "both",
    detbox: { mask: "single-token", score: "detector-x-predicted-iou" },
  }),
  ptq4sam: Object.freeze<QuantProtocol>({
    name: "ptq4sam",
    summary: "PTQ4SAM/AHCPTQ: per-channel asymmetric weights, per-tensor asymmetric activations; " +
      `first 32 train images; ${LEFT_FLOAT} float; both attention matmuls quantized; ` +
      "detbox single-mask (multimask_output=False), score = detector × predicted IoU",
    spec: "spec §4.1, §4.6, §10 AHCPTQ, §11 P1",
    weights: { granularity: "per-channel", symmetric: false },
    activations: { granularity: "per-tensor", symmetric: false },
    calibration: { n: 32, split: "train", selection: "first" },
    floatParts: "float",
    attentionMatmuls: "both",
    scope: "both",
    detbox: { mask: "single-token", score: "detector-x-predicted-iou" },
  }),
});

/**
 * The protocol called `name`.
 *
 * @throws {SamqError} `invalid_argument` (field "protocol") listing the known protocols.
 */
export function getProtocol(name: string): QuantProtocol {
  if (!(PROTOCOL_NAMES as readonly string[]).includes(name)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use protocol "${name}": known protocols are ${PROTOCOL_NAMES.map((n) => `"${n}"`).join(", ")}`,
      { field: "protocol" },
    );
  }
  return PROTOCOLS[name as ProtocolName];
}
