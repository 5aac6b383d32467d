/**
 * The method contract (DESIGN §2 "Methods", STYLE "Applied to samq" 3): one `Method` per file under
 * `quantize/methods/`, registered in `mod.ts`.
 *
 * A method receives the prepared model (both graphs folded for fixed encoder input and pattern-matched:
 * `quantize/graph/prepare_sam_model.ts`), the calibration set, the resolved options and a progress
 * callback. It edits the prepared graphs **in place** (folding, then quantizer insertion through
 * `insertQuantizers`) and returns a {@link QuantizedModel} that describes what it did. `quantizeModel`
 * then audits and writes the result; a method never writes files.
 *
 * Contract for every method (checked by the audit and by `methods_contract_test.ts`):
 * - place quantizers with `planQuantizers` (or a superset of its sites) so that compared methods share
 *   the same placement; use `options.bits`, `options.granularity` and `options.scope` as given;
 * - record every quantizer (`insertQuantizers` returns the records) and every fold;
 * - snapshot each quantized part's float graph after folding and before quantizer insertion
 *   (`foldedFloat`), so the audit can prove folding left the float function unchanged;
 * - be deterministic for a given `options.seed` (all randomness from `createPrng(options.seed)`).
 *
 * Writing a new method (e.g. `ptq4sam-s`, `pq-sam-s`): copy `minmax.ts`, keep the step calls
 * (`steps/`): plan → observe → (fold) → params → emit; add typed options with frozen `defaults`
 * annotated by spec section, and a `resolveOptions` that validates them.
 *
 * @module
 */
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { CalibrationSet } from "../calibrate/calibration_set.ts";
import type { ProgressFn, QuantizePhase } from "../calibrate/progress.ts";
import type { SamForwardReport } from "../calibrate/run_sam_forward.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import type { ModelPart } from "../graph/types.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import type { BitWidths } from "../../util/bits.ts";

/** Weight granularities (activations are per-tensor, spec §3.3 A, §14.2, except the channel-group quantizers of `ahcptq`'s CAG). */
export const GRANULARITIES = ["per-tensor", "per-channel"] as const;
/** One of {@link GRANULARITIES}. */
export type Granularity = typeof GRANULARITIES[number];

/** Which graphs are quantized. */
export const SCOPES = ["encoder", "decoder", "both"] as const;
/** One of {@link SCOPES}. */
export type Scope = typeof SCOPES[number];

export type { BitWidths } from "../../util/bits.ts";

/** Options shared by all methods of one comparison (spec §14.2: identical for every compared method). */
export interface CommonQuantizeOptions {
  bits: BitWidths;
  /** Weight granularity; per-channel is along each weight's output-channel axis. */
  granularity: Granularity;
  scope: Scope;
  /** Also quantize the patch embedding, prompt encoder and output heads. */
  includeFloatParts: boolean;
  /** Seed of every random draw (reservoir sampling). */
  seed: number;
  /** Execution provider of the calibration runs. */
  ep: ExecutionProvider;
}

/** Options passed to `Method.quantize`: the common ones plus the method's own (resolved). */
export interface MethodRunOptions<O> extends CommonQuantizeOptions {
  method: O;
}

/** One folded LayerNorm → Linear transform. */
export interface FoldRecord {
  part: ModelPart;
  /** "repq": RepQ-ViT's r/b reparameterization (spec §5). Other methods add their own kinds. */
  kind: string;
  /** First node of the LayerNorm. */
  layerNorm: string;
  /** Linears that absorbed the inverse transform. */
  linears: string[];
  channels: number;
  /** Range of the per-channel scale s (r for RepQ). */
  scaleMin: number;
  scaleMax: number;
}

/** What a method returns. */
export interface QuantizedModel {
  method: string;
  /** Parts that carry quantizers (the others are written unchanged). */
  quantizedParts: ModelPart[];
  /** ONNX bytes of each quantized part's float graph after folding, before quantizer insertion. */
  foldedFloat: Partial<Record<ModelPart, Uint8Array>>;
  quantizers: QuantizerRecord[];
  folds: FoldRecord[];
  /** Wall time per phase in ms. */
  timings: Partial<Record<QuantizePhase, number>>;
  calibration: SamForwardReport;
  /** Decisions worth reading (e.g. a LayerNorm that could not be folded, and why). */
  notes: string[];
}

/** A quantization method. `O` is its typed option record. */
export interface Method<O extends object> {
  readonly name: string;
  /** One line: what the method does and its source. */
  readonly summary: string;
  /** Paper-faithful defaults (frozen; each field's doc names its spec section). */
  readonly defaults: Readonly<O>;
  /**
   * Merges `partial` over `defaults` and validates.
   * @throws {SamqError} `invalid_argument` naming the option for an unknown key or a bad value.
   */
  resolveOptions(partial: Readonly<Record<string, unknown>>): O;
  /** Quantizes `model` in place (see the module doc). */
  quantize(
    model: PreparedModel,
    calibration: CalibrationSet,
    options: MethodRunOptions<O>,
    progress: ProgressFn,
  ): Promise<QuantizedModel>;
}
