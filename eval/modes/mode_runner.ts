/**
 * The contract between the evaluation loop and the modes. The loop walks the dataset once; for each image
 * it encodes the image once (the predictor's embedding cache) and hands the same {@link ImageContext} to
 * every mode still running, so embeddings and decoded GT masks are shared across modes. A mode keeps only
 * running sums (or small RLE lists) and turns them into metrics in `finish`.
 *
 * @module
 */
import type { DatasetObject, Sample } from "../../datasets/dataset.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";
import type { SamPredictor } from "../../sam/predictor.ts";
import type { EmbeddedImage, MultimaskDecoder } from "../../sam/amg/generate_multimask_decoder.ts";
import type { EvalMode } from "./eval_options.ts";
import type { ModeMetrics } from "../record.ts";

/** What a mode sees of one image. */
export interface ImageContext {
  readonly sample: Sample;
  readonly image: RgbImage;
  /** The predictor, with `image` set as its current image. */
  readonly predictor: SamPredictor;
  /** All-token decoder (present when a mode needs it: auto, detbox). */
  readonly multimask: MultimaskDecoder | null;
  /** The object's GT mask, h×w row-major 0/1 (decoded once per image, shared by the modes). */
  gtMask(obj: DatasetObject): Uint8Array;
  /** The image embedding with its frame sizes (computed once per image). */
  embedded(): Promise<EmbeddedImage>;
  /** Reports progress within the image (e.g. AMG points decoded), for long modes. */
  step(detail: string): void;
}

/** A JSON value (records are plain JSON). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * What a mode reports at the end of the pass: its mode with the typed metrics (fractions in [0, 1]; AP/AR
 * as COCOeval gives them), counts and decoding time.
 */
export type ModeOutcome = ModeMetrics & {
  /** Counts (images, prompts, skipped objects, masks, …). */
  counts: { [key: string]: Json };
  /** Milliseconds spent decoding prompts (decoder runs and mask upsampling). */
  decodeMs: number;
};

/** One mode's state over a pass. */
export interface ModeRunner {
  readonly mode: EvalMode;
  /** Label for tables and logs, e.g. "detbox (oracle-box)". */
  readonly label: string;
  /** The mode's protocol options, recorded and keyed (JSON). */
  readonly protocol: { [key: string]: Json };
  /** Images this mode evaluates (the first N of the pass); null = all. */
  readonly imageLimit: number | null;
  /** Evaluates one image; returns a short summary for the progress line (e.g. "7 obj"). */
  processImage(ctx: ImageContext): Promise<string>;
  /** Turns the accumulated state into metrics (may run COCOeval). */
  finish(): ModeOutcome;
}
