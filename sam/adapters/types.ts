/**
 * The adapter contract: one object per model layout that runs the encoder and the decoder and
 * returns decoder outputs in one normalized shape, so that the predictor never branches on layout.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { SizeHw } from "../preprocess/preprocess_shape.ts";
import type { PromptsInputFrame } from "../prompts/coords_pack_official.ts";

/** Encoder outputs kept for the decoder (image embedding and any extra feature maps). */
export type ImageEmbedding = Record<string, ort.Tensor>;

/** Prompts in the encoder-input frame (flat points, labels, optional box) plus optional mask feedback. */
export interface DecoderPrompt extends PromptsInputFrame {
  /** Previous low-res logits [256·256] to feed back, if any. */
  maskInput?: Float32Array;
}

/** Decoder result, normalized across layouts. */
export interface DecoderResult {
  /** Low-res logits, C masks of `lowResSize`², row-major, C-major: [C, S, S]. */
  lowRes: Float32Array;
  lowResSize: number;
  /** Predicted IoU per mask [C]. */
  iou: Float32Array;
  /** Which SAM mask token each mask is (0 = single-mask token, 1..3 = multimask tokens). */
  tokens: number[];
  /**
   * Full-size logits [C, H, W] when the graph computes them itself (official decoder), else undefined.
   * Used as the independent reference for samq's own postprocessing.
   */
  graphMasks?: Float32Array;
}

/** The interface every layout implements. */
export interface SamAdapter {
  readonly format: "official" | "hf" | "sam2";
  /** Encoder input side (1024 for SAM). */
  readonly inputSize: number;
  /** Runs the image encoder on NCHW float32 [1,3,S,S] pixels (already normalized and padded). */
  encode(pixels: Float32Array): Promise<ImageEmbedding>;
  /** Runs prompt encoder + mask decoder for one prompt set. */
  decode(embedding: ImageEmbedding, prompt: DecoderPrompt, sizes: { input: SizeHw; orig: SizeHw }): Promise<
    DecoderResult
  >;
  /** Frees the sessions. */
  release(): Promise<void>;
}
