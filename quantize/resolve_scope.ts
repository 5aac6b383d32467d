/**
 * The graphs a run quantizes, for the layout of the model.
 *
 * "auto" keeps the scopes that earlier runs used: both graphs for the official layout, the encoder for
 * the others (HF and SAM 2 runs recorded before decoder calibration went through the layout adapters
 * stay comparable). HF decoders are calibrated and audited through the HF layout when asked for
 * (`--scope both` or `decoder`).
 *
 * SAM 2 decoders are refused: their feeds are built by the SAM 2 layout like every other, but the graph
 * also reads the encoder's two high-resolution feature maps straight into its mask upscaling, whose
 * Linear/attention patterns, quantizer placement and audit have never been checked against a SAM 2
 * decoder (no SAM 2 model is available to the test suite). A quantized decoder that no check has seen
 * would be reported as a result; refusing is the honest outcome until one is verified.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { SamFormat } from "../sam/model_dir.ts";
import type { Scope } from "./methods/types.ts";

/**
 * `requested` resolved for a model of `format`.
 *
 * @throws {SamqError} `incompatible` (field "scope") when the scope includes the decoder of a SAM 2 model.
 */
export function resolveScope(format: SamFormat, requested: Scope | "auto"): Scope {
  if (requested === "auto") return format === "official" ? "both" : "encoder";
  if (format === "sam2" && requested !== "encoder") {
    throw new SamqError(
      "incompatible",
      `Cannot quantize the decoder of a "sam2" model (scope "${requested}"): its pattern finding and audit are unverified on SAM 2 decoders; use --scope encoder`,
      { field: "scope" },
    );
  }
  return requested;
}
