/**
 * Feed building of the official layout (spec §A2.1): the encoder's first output is `image_embeddings`;
 * prompts are packed by `packPromptsOfficial` (points, then a padding point or the two box corners);
 * `mask_input` is the fed-back low-res logits or zeros ([1,1,S/4,S/4]) with `has_mask_input` 1 or 0, and
 * `orig_im_size` is [h, w] of the original image, so that the graph's own upscaling lands on it.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { floatTensor } from "../../runtime/session.ts";
import { packPromptsOfficial } from "../prompts/coords_pack_official.ts";
import type { SamLayout } from "./types.ts";

/** The official layout's feed builder. */
export const OFFICIAL_LAYOUT: SamLayout = Object.freeze<SamLayout>({
  format: "official" as const,
  embedding(outputs: Readonly<Record<string, ort.Tensor>>, outputNames: readonly string[]) {
    const emb = outputNames[0] === undefined ? undefined : outputs[outputNames[0]];
    if (emb === undefined) {
      throw new SamqError("invalid_model", "Cannot run the encoder: it returned no output");
    }
    return { image_embeddings: emb };
  },
  takesBox: () => true,
  decoderFeeds(embedding, prompt, sizes, decoder) {
    const imageEmbeddings = embedding.image_embeddings;
    if (imageEmbeddings === undefined) {
      throw new SamqError("invalid_argument", 'Cannot decode: the embedding has no "image_embeddings"', {
        field: "image_embeddings",
      });
    }
    const packed = packPromptsOfficial(prompt);
    // The low-res mask side is 4× the embedding side (256 for a 1024 input).
    const lowSide = decoder.inputSize / 4;
    const feeds: Record<string, ort.Tensor> = {
      image_embeddings: imageEmbeddings,
      point_coords: floatTensor(packed.coords, [1, packed.n, 2]),
      point_labels: floatTensor(packed.labels, [1, packed.n]),
      mask_input: floatTensor(prompt.maskInput ?? new Float32Array(lowSide * lowSide), [
        1,
        1,
        lowSide,
        lowSide,
      ]),
      has_mask_input: floatTensor(new Float32Array([prompt.maskInput !== undefined ? 1 : 0]), [1]),
      orig_im_size: floatTensor(new Float32Array([sizes.orig.h, sizes.orig.w]), [2]),
    };
    return feeds;
  },
});
