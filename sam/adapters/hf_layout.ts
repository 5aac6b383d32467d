/**
 * Feed building of the HF / transformers.js layout (spec §A2.3): the decoder reads `image_embeddings`
 * (and `image_positional_embeddings` when the export keeps that input); points go in unpadded as
 * `input_points` [1,1,N,2] float32 with `input_labels` [1,1,N] int64 (the graph adds its own padding
 * point); a box goes to `input_boxes` [1,1,4], which only some exports have. There is no mask input and
 * no original size: the graph returns low-res logits only.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { floatTensor, int64Tensor } from "../../runtime/session.ts";
import type { ImageEmbedding, SamLayout } from "./types.ts";

const POSITIONAL = "image_positional_embeddings";

/** The HF layout's feed builder. */
export const HF_LAYOUT: SamLayout = Object.freeze<SamLayout>({
  format: "hf" as const,
  embedding(outputs: Readonly<Record<string, ort.Tensor>>) {
    const emb = outputs.image_embeddings;
    if (emb === undefined) {
      throw new SamqError("invalid_model", 'Cannot run the encoder: it returned no "image_embeddings"', {
        field: "image_embeddings",
      });
    }
    const embedding: ImageEmbedding = { image_embeddings: emb };
    if (outputs[POSITIONAL] !== undefined) embedding[POSITIONAL] = outputs[POSITIONAL];
    return embedding;
  },
  takesBox: (inputNames: readonly string[]) => inputNames.includes("input_boxes"),
  decoderFeeds(embedding, prompt, _sizes, decoder) {
    const feeds: Record<string, ort.Tensor> = {};
    for (
      const name of ["image_embeddings", ...(decoder.inputNames.includes(POSITIONAL) ? [POSITIONAL] : [])]
    ) {
      const t = embedding[name];
      if (t === undefined) {
        throw new SamqError("invalid_argument", `Cannot decode: the embedding has no "${name}"`, {
          field: name,
        });
      }
      feeds[name] = t;
    }
    if (prompt.box) {
      if (!decoder.inputNames.includes("input_boxes")) {
        throw new SamqError(
          "invalid_prompt",
          'Cannot use a box prompt: this HF-layout decoder has no "input_boxes" input (export it with boxes)',
          { field: "box" },
        );
      }
      feeds.input_boxes = floatTensor(Float32Array.from(prompt.box), [1, 1, 4]);
    }
    const pts = Array.from(prompt.points ?? []);
    const labels = Array.from(prompt.labels ?? []);
    if (pts.length === 0 && !prompt.box) {
      throw new SamqError("invalid_prompt", "Cannot decode: no points and no box given", { field: "points" });
    }
    const n = pts.length / 2;
    feeds.input_points = floatTensor(Float32Array.from(pts), [1, 1, n, 2]);
    feeds.input_labels = int64Tensor(BigInt64Array.from(labels.map((l) => BigInt(l))), [1, 1, n]);
    return feeds;
  },
});
