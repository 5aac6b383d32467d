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

/** The frames a prompt maps through: the resized image inside the encoder input, and the original image. */
export interface DecoderSizes {
  input: SizeHw;
  orig: SizeHw;
}

/** What a layout's feed builder needs to know about the decoder graph it feeds. */
export interface DecoderGraphInfo {
  /** Encoder input side (1024 for SAM); the low-res mask side is a quarter of it. */
  inputSize: number;
  /** The decoder graph's input names (layouts with optional inputs feed only those present). */
  inputNames: readonly string[];
}

/**
 * The session-free half of a layout: which encoder outputs the decoder reads and how a prompt becomes
 * decoder feeds. The adapter runs its sessions with it, and graph-level runners (calibration, audit and
 * learning in `quantize/`) run tapped or quantized graphs with the same feeds, so no layout's prompt
 * packing exists twice. Pure: builds tensors, runs nothing.
 */
export interface SamLayout {
  readonly format: "official" | "hf" | "sam2";
  /**
   * The decoder's image inputs from one encoder run.
   *
   * @param outputs Encoder outputs by name.
   * @param outputNames The encoder graph's output names, in graph order.
   * @throws {SamqError} `invalid_model` when an output the layout needs is missing.
   */
  embedding(outputs: Readonly<Record<string, ort.Tensor>>, outputNames: readonly string[]): ImageEmbedding;
  /** Whether a decoder with `inputNames` accepts a box prompt. */
  takesBox(inputNames: readonly string[]): boolean;
  /**
   * Decoder feeds for one prompt set (prompts already in the input frame).
   *
   * @throws {SamqError} `invalid_prompt` for a prompt the decoder cannot take, `invalid_argument` when the
   *   embedding lacks an input the decoder needs.
   */
  decoderFeeds(
    embedding: ImageEmbedding,
    prompt: DecoderPrompt,
    sizes: DecoderSizes,
    decoder: DecoderGraphInfo,
  ): Record<string, ort.Tensor>;
}

/** The interface every layout implements. */
export interface SamAdapter {
  readonly format: "official" | "hf" | "sam2";
  /** The layout's feed building, shared with graph-level runners. */
  readonly layout: SamLayout;
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
