/**
 * Encoder and decoder feeds of calibration images and prompts, the one definition that calibration
 * (`runSamForward`), the audit and learning (`quantize/learn/`) share, and a one-shot graph runner.
 * Decoder feeds come from the layout of the model (`layoutOf(config.format)`, the feed builder its
 * adapter runs), so every layout is fed here exactly as the predictor feeds it.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import type { Graph } from "../../onnx/ir/graph.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import { createSession } from "../../runtime/session.ts";
import type { SamConfig } from "../../sam/model_dir.ts";
import { preprocessImage } from "../../sam/preprocess/preprocess_image.ts";
import type { SizeHw } from "../../sam/preprocess/preprocess_shape.ts";
import { layoutOf } from "../../sam/adapters/layout_of.ts";
import type { ImageEmbedding } from "../../sam/adapters/types.ts";
import type { CalibrationImage, CalibrationPrompt } from "./calibration_set.ts";
import { calibrationDecoderPrompt } from "./calibration_decoder_prompt.ts";

/** The encoder input of one image and the frames its prompts map through. */
export interface EncoderFeed {
  tensor: ort.Tensor;
  sizes: { input: SizeHw; orig: SizeHw };
}

/** Preprocesses `image` as `sam.json` says ([1, 3, S, S]). */
export async function encoderFeed(config: SamConfig, image: CalibrationImage): Promise<EncoderFeed> {
  const rgb = await image.readImage();
  const pre = preprocessImage(rgb.data, rgb.h, rgb.w, {
    size: config.inputSize,
    mean: config.pixelMean,
    std: config.pixelStd,
    resize: config.resize,
  });
  const s = config.inputSize;
  return {
    tensor: new ort.Tensor("float32", pre.tensor, [1, 3, s, s]),
    sizes: { input: pre.inputSize, orig: pre.origSize },
  };
}

/** The official decoder's inputs that hold one row per prompt (the rest are shared by every prompt of an image). */
export const OFFICIAL_PROMPT_FEEDS: readonly string[] = Object.freeze(["point_coords", "point_labels"]);

/**
 * Decoder feeds of `prompt` with `embedding`, built by the model's layout.
 *
 * @param embedding The decoder's image inputs (`SamLayout.embedding` of an encoder run), or the encoder's
 *   first output alone, taken as `image_embeddings` (enough for the official layout and for HF decoders
 *   that recompute the positional embeddings).
 * @param decoderInputs Input names of the decoder graph; layouts with optional inputs (HF's
 *   `image_positional_embeddings`, `input_boxes`) feed only those listed. @default none
 * @throws {SamqError} from the layout: a prompt the decoder cannot take, an embedding without an input
 *   the decoder needs.
 */
export function decoderFeeds(
  config: SamConfig,
  embedding: ort.Tensor | ImageEmbedding,
  prompt: CalibrationPrompt,
  sizes: EncoderFeed["sizes"],
  decoderInputs: readonly string[] = [],
): Record<string, ort.Tensor> {
  const images: ImageEmbedding = embedding instanceof ort.Tensor
    ? { image_embeddings: embedding as ort.Tensor }
    : embedding as ImageEmbedding;
  return layoutOf(config.format).decoderFeeds(images, calibrationDecoderPrompt(prompt, sizes), sizes, {
    inputSize: config.inputSize,
    inputNames: decoderInputs,
  });
}

/**
 * Whether a decoder with `decoderInputs` can take `prompt`: calibration skips the box prompts of HF
 * exports without `input_boxes` (their prompt encoder has no box path; boxes as labelled corner points
 * would calibrate on embeddings the model never sees).
 */
export function decoderTakesPrompt(
  config: SamConfig,
  prompt: CalibrationPrompt,
  decoderInputs: readonly string[],
): boolean {
  return prompt.box === undefined || layoutOf(config.format).takesBox(decoderInputs);
}

/** A session over `graph` that runs feeds and returns the requested outputs. */
export interface GraphSession {
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
  readonly inputNames: readonly string[];
}

/** Opens a session over `graph` (its outputs are what `run` returns). */
export async function openGraphSession(graph: Graph, ep: ExecutionProvider = "cpu"): Promise<GraphSession> {
  const session = await createSession(encodeModel(graph), { ep });
  const inputNames = [...session.inputNames];
  return {
    run: async (feeds) => {
      const picked: Record<string, ort.Tensor> = {};
      for (const n of inputNames) picked[n] = feeds[n]!;
      return await session.run(picked) as Record<string, ort.Tensor>;
    },
    release: () => session.release(),
    inputNames,
  };
}
