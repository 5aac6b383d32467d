/**
 * Encoder and decoder feeds of calibration images and prompts, the one definition that calibration
 * (`runSamForward`) and learning (`quantize/learn/`) share, and a one-shot graph runner.
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
import type { CalibrationImage, CalibrationPrompt } from "./calibration_set.ts";
import { officialDecoderFeeds } from "./official_decoder_feeds.ts";

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

/** Decoder feeds of `prompt` with `embedding`. */
export function decoderFeeds(
  config: SamConfig,
  embedding: ort.Tensor,
  prompt: CalibrationPrompt,
  sizes: EncoderFeed["sizes"],
): Record<string, ort.Tensor> {
  return officialDecoderFeeds(embedding, prompt, sizes, config.inputSize);
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
