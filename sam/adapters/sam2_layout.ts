/**
 * Feed building of the SAM 2 layout (see `sam2.ts`): the decoder reads all three encoder outputs
 * (`image_embed` and the two high-resolution feature maps, which skip the neck straight into the mask
 * upscaling); prompts are packed by `packPromptsSam2` (box corners first, padding added by the graph);
 * `mask_input` is the fed-back low-res logits or zeros with `has_mask_input` 1 or 0.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { floatTensor } from "../../runtime/session.ts";
import { packPromptsSam2 } from "../sam2/sam2_pack_prompts.ts";
import type { ImageEmbedding, SamLayout } from "./types.ts";

/** Encoder outputs, which are also the decoder's image inputs. */
export const SAM2_ENCODER_OUTPUTS = ["image_embed", "high_res_feats_0", "high_res_feats_1"] as const;

/** The SAM 2 layout's feed builder. */
export const SAM2_LAYOUT: SamLayout = Object.freeze<SamLayout>({
  format: "sam2" as const,
  embedding(outputs: Readonly<Record<string, ort.Tensor>>) {
    const embedding: ImageEmbedding = {};
    for (const name of SAM2_ENCODER_OUTPUTS) {
      const t = outputs[name];
      if (t === undefined) {
        throw new SamqError("invalid_model", `Cannot run the encoder: it returned no "${name}"`, {
          field: name,
        });
      }
      embedding[name] = t;
    }
    return embedding;
  },
  takesBox: () => true,
  decoderFeeds(embedding, prompt, _sizes, decoder) {
    const packed = packPromptsSam2(prompt);
    // The low-res mask side is 4× the embedding side (256 for a 1024 input).
    const lowSide = decoder.inputSize / 4;
    if (prompt.maskInput !== undefined && prompt.maskInput.length !== lowSide * lowSide) {
      throw new SamqError(
        "invalid_prompt",
        `Cannot decode: mask input must hold ${lowSide}x${lowSide} logits, got ${prompt.maskInput.length}`,
        { field: "maskInput" },
      );
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of SAM2_ENCODER_OUTPUTS) {
      const t = embedding[name];
      if (!t) {
        throw new SamqError("invalid_argument", `Cannot decode: the embedding has no "${name}"`, {
          field: name,
        });
      }
      feeds[name] = t;
    }
    feeds.point_coords = floatTensor(packed.coords, [1, packed.n, 2]);
    feeds.point_labels = floatTensor(packed.labels, [1, packed.n]);
    feeds.mask_input = floatTensor(prompt.maskInput ?? new Float32Array(lowSide * lowSide), [
      1,
      1,
      lowSide,
      lowSide,
    ]);
    feeds.has_mask_input = floatTensor(new Float32Array([prompt.maskInput ? 1 : 0]), [1]);
    return feeds;
  },
});
