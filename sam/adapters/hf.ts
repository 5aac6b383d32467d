/**
 * Adapter for the HF / transformers.js layout (spec §A2.3): `vision_encoder.onnx` (`pixel_values` →
 * `image_embeddings`, `image_positional_embeddings`) + `prompt_encoder_mask_decoder.onnx`
 * (`input_points` [1,1,N,2] float32, `input_labels` [1,1,N] int64, optional `input_boxes` [1,1,4] →
 * `iou_scores` [1,1,3], `pred_masks` [1,1,3,256,256]). The decoder graph adds its own padding point,
 * so the caller passes only the real points. Box prompts need a decoder exported with `input_boxes`.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createSession, floatTensor, readFloatOutput, type SessionOptions } from "../../runtime/session.ts";
import { HF_LAYOUT } from "./hf_layout.ts";
import { describeMismatch } from "./official.ts";
import type { DecoderPrompt, DecoderResult, DecoderSizes, ImageEmbedding, SamAdapter } from "./types.ts";

const HF_ENCODER_OUTPUTS = ["image_embeddings", "image_positional_embeddings"];
// `image_positional_embeddings` is optional: exporters drop it when the decoder recomputes it.
const HF_DECODER_INPUTS = ["image_embeddings", "input_points", "input_labels"];
const HF_DECODER_OUTPUTS = ["iou_scores", "pred_masks"];

/** True when the sessions' IO names match the HF layout. */
export function matchesHf(encoder: ort.InferenceSession, decoder: ort.InferenceSession): boolean {
  return encoder.inputNames.includes("pixel_values") &&
    HF_ENCODER_OUTPUTS.every((n) => encoder.outputNames.includes(n)) &&
    HF_DECODER_INPUTS.every((n) => decoder.inputNames.includes(n)) &&
    HF_DECODER_OUTPUTS.every((n) => decoder.outputNames.includes(n));
}

class HfAdapter implements SamAdapter {
  readonly format = "hf" as const;
  readonly layout = HF_LAYOUT;
  constructor(
    readonly inputSize: number,
    private encoder: ort.InferenceSession,
    private decoder: ort.InferenceSession,
  ) {}

  async encode(pixels: Float32Array): Promise<ImageEmbedding> {
    const s = this.inputSize;
    const out = await this.encoder.run({ pixel_values: floatTensor(pixels, [1, 3, s, s]) });
    return {
      image_embeddings: out.image_embeddings as ort.Tensor,
      image_positional_embeddings: out.image_positional_embeddings as ort.Tensor,
    };
  }

  async decode(embedding: ImageEmbedding, prompt: DecoderPrompt, sizes: DecoderSizes) {
    const feeds = this.layout.decoderFeeds(embedding, prompt, sizes, {
      inputSize: this.inputSize,
      inputNames: this.decoder.inputNames,
    });
    const out = await this.decoder.run(feeds);
    const masks = readFloatOutput(out, "pred_masks");
    const iou = readFloatOutput(out, "iou_scores");
    const result: DecoderResult = {
      lowRes: masks.data,
      lowResSize: masks.dims[masks.dims.length - 1] as number,
      iou: iou.data,
      tokens: [1, 2, 3].slice(0, iou.data.length),
    };
    return result;
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}

/** Opens an HF-layout model. */
export async function openHfAdapter(
  encoderPath: string,
  decoderPath: string,
  inputSize: number,
  options: SessionOptions = {},
): Promise<SamAdapter> {
  const encoder = await createSession(encoderPath, options);
  const decoder = await createSession(decoderPath, options);
  if (!matchesHf(encoder, decoder)) {
    throw new SamqError("invalid_model", describeMismatch("hf", encoder, decoder), { path: decoderPath });
  }
  return new HfAdapter(inputSize, encoder, decoder);
}
