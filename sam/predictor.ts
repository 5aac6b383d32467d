/**
 * `SamPredictor`: the stateful SAM API, as in segment-anything's `predictor.py`.
 *
 * `setImage` preprocesses (Pillow-exact resize, normalize, pad) and runs the encoder once; `predict`
 * reuses the embedding for any number of prompts. Embeddings are cached per (model, image content) in a
 * small LRU so that evaluation modes that revisit an image never re-encode it. Prompts are given in
 * original-image pixels (x, y); boxes as XYXY.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { SamqError } from "../util/errors.ts";
import type { SessionOptions } from "../runtime/session.ts";
import type { SamModelDir } from "./model_dir.ts";
import { openAdapter } from "./adapters/open_adapter.ts";
import type { DecoderResult, ImageEmbedding, SamAdapter } from "./adapters/types.ts";
import type { RgbImage } from "../image/read_image_rgb.ts";
import { type PreprocessedImage, preprocessImage } from "./preprocess/preprocess_image.ts";
import type { SizeHw } from "./preprocess/preprocess_shape.ts";
import { transformCoords } from "./prompts/coords_transform.ts";
import { transformBoxesXyxy } from "./prompts/coords_transform_boxes.ts";
import { postprocessMasks } from "./postprocess/postprocess_masks.ts";
import { sam2PostprocessMasks } from "./sam2/sam2_postprocess_masks.ts";
import { thresholdMask } from "../mask/threshold_mask.ts";

/** Prompts in original-image pixels. */
export interface PromptInput {
  /** Points `[[x, y], …]`. */
  points?: [number, number][];
  /** 1 foreground / 0 background per point. @default all 1 */
  labels?: number[];
  /** Box `[x0, y0, x1, y1]`. */
  box?: [number, number, number, number];
  /** Low-res logits of an earlier prediction, fed back as `mask_input`. */
  maskInput?: Float32Array;
}

/** One predicted mask. */
export interface Prediction {
  /** Uint8Array `[H, W]` row-major, 1 inside. */
  mask: Uint8Array;
  /** Float32Array `[H, W]` logits of the chosen mask at original size. */
  logits: Float32Array;
  /** Predicted IoU of the chosen mask. */
  score: number;
  /** Index of the chosen mask among the decoder outputs. */
  index: number;
  /** SAM token of the chosen mask (0 single-mask token, 1..3 multimask, −1 chosen inside the graph). */
  token: number;
  /** All decoder outputs for this prompt (low-res logits, IoU, tokens, graph masks if any). */
  raw: DecoderResult;
  origSize: SizeHw;
  inputSize: SizeHw;
}

/** Options of {@link SamPredictor.open}. */
export interface PredictorOptions extends SessionOptions {
  /** Embeddings kept in memory (LRU). @default 4 */
  cacheSize?: number;
}

interface CachedImage {
  embedding: ImageEmbedding;
  inputSize: SizeHw;
  origSize: SizeHw;
}

/** Options of {@link SamPredictor.setPreprocessedImage}. */
export interface SetPreprocessedOptions {
  /**
   * Embedding-cache key of the image (`imageKey(image)`, or `PooledImage.key`); with it a cached embedding is
   * reused and a new one is cached. @default no caching
   */
  key?: string | undefined;
}

/** An image already run through this model's encoder elsewhere (for example by an `EncoderWorker`). */
export interface EncodedImage {
  /** Encoder outputs, as the model's adapter `encode` returns them. */
  embedding: ImageEmbedding;
  /** Resized (unpadded) size inside the input frame. */
  inputSize: SizeHw;
  /** Original image size. */
  origSize: SizeHw;
}

/** Hex sha256 of an image's pixels and size (the embedding-cache key). */
export function imageKey(image: RgbImage): string {
  return createHash("sha256").update(`${image.h}x${image.w}:`).update(image.data).digest("hex");
}

/** Chooses the mask to report: the best predicted IoU among the multimask tokens (1..3), as SAM's protocols do. */
export function chooseMask(raw: DecoderResult): number {
  let best = -1;
  let bestIou = -Infinity;
  const anyMulti = raw.tokens.some((t) => t !== 0);
  for (let i = 0; i < raw.tokens.length; i++) {
    if (anyMulti && raw.tokens[i] === 0) continue;
    const v = raw.iou[i] as number;
    if (v > bestIou) {
      bestIou = v;
      best = i;
    }
  }
  return best;
}

/** The SAM predictor over one model. */
export class SamPredictor {
  private cache = new Map<string, CachedImage>();
  private current: CachedImage | undefined;
  /** Time spent in the encoder (ms), for perf reports. */
  encodeMs = 0;
  /** Number of encoder runs (cache misses). */
  encodeCount = 0;
  /** Encoder input buffer reused by `setImage` (only while no other encode is using it). */
  private inputBuffer: Float32Array | undefined;
  private inputBusy = false;

  private constructor(
    readonly model: SamModelDir,
    readonly adapter: SamAdapter,
    private cacheSize: number,
  ) {}

  /** Opens the model's sessions. */
  static async open(model: SamModelDir, options: PredictorOptions = {}): Promise<SamPredictor> {
    const { cacheSize = 4, ...session } = options;
    return new SamPredictor(model, await openAdapter(model, session), cacheSize);
  }

  /** Computes (or reuses) the embedding of `image` and makes it current. */
  async setImage(image: RgbImage): Promise<void> {
    if (image.h <= 0 || image.w <= 0) {
      throw new SamqError("invalid_image", `Cannot set image: size ${image.h}x${image.w} is empty`, {
        field: "image",
      });
    }
    const key = imageKey(image);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      this.current = hit;
      return;
    }
    const cfg = this.model.config;
    // Reuse one 12 MB input buffer across images; a concurrent setImage (buffer busy) gets its own.
    const s = cfg.inputSize;
    const reuse = !this.inputBusy;
    if (reuse) {
      if (this.inputBuffer?.length !== 3 * s * s) this.inputBuffer = new Float32Array(3 * s * s);
      this.inputBusy = true;
    }
    try {
      const pre = preprocessImage(image.data, image.h, image.w, {
        size: s,
        mean: cfg.pixelMean,
        std: cfg.pixelStd,
        resize: cfg.resize,
        ...(reuse && this.inputBuffer ? { out: this.inputBuffer } : {}),
      });
      await this.encodePreprocessed(pre, key);
    } finally {
      if (reuse) this.inputBusy = false;
    }
  }

  /**
   * Makes an already preprocessed image current (for example one from a `PreprocessPool`), running the
   * encoder unless `options.key` names a cached embedding. `pre` must come from `preprocessImage` with this
   * model's `sam.json` settings (input size, mean/std, resize rule); the predictor does not keep
   * `pre.tensor` after the returned promise settles, so the caller may reuse it then.
   *
   * @throws {SamqError} `invalid_argument` when the tensor does not have 3 × inputSize² values.
   */
  async setPreprocessedImage(pre: PreprocessedImage, options: SetPreprocessedOptions = {}): Promise<void> {
    const s = this.adapter.inputSize;
    if (pre.tensor.length !== 3 * s * s) {
      throw new SamqError(
        "invalid_argument",
        `Cannot set a preprocessed image: tensor has ${pre.tensor.length} values, expected 3x${s}x${s}`,
        { field: "tensor" },
      );
    }
    const key = options.key;
    const hit = key === undefined ? undefined : this.cache.get(key);
    if (key !== undefined && hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      this.current = hit;
      return;
    }
    await this.encodePreprocessed(pre, key);
  }

  /**
   * Makes an image current whose embedding was computed elsewhere (an `EncoderWorker` running this model's
   * encoder file with the same EP); with `options.key` it is cached like `setImage`'s. Runs no encoder and
   * does not count in `encodeMs` / `encodeCount`.
   */
  setEncodedImage(encoded: EncodedImage, options: SetPreprocessedOptions = {}): void {
    const entry = { embedding: encoded.embedding, inputSize: encoded.inputSize, origSize: encoded.origSize };
    if (options.key !== undefined) {
      this.cache.delete(options.key);
      this.cache.set(options.key, entry);
      while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.current = entry;
  }

  /** Whether an embedding for this cache key is held (then `setPreprocessedImage` with it runs no encoder). */
  hasCachedEmbedding(key: string): boolean {
    return this.cache.has(key);
  }

  private async encodePreprocessed(pre: PreprocessedImage, key: string | undefined): Promise<void> {
    const t0 = performance.now();
    const embedding = await this.adapter.encode(pre.tensor);
    this.encodeMs += performance.now() - t0;
    this.encodeCount++;
    const entry = { embedding, inputSize: pre.inputSize, origSize: pre.origSize };
    if (key !== undefined) {
      this.cache.set(key, entry);
      while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.current = entry;
  }

  /** The current image's embedding and sizes (for callers that run the decoder themselves, e.g. the AMG). */
  currentImage(): { embedding: ImageEmbedding; inputSize: SizeHw; origSize: SizeHw } {
    if (!this.current) {
      throw new SamqError(
        "invalid_argument",
        "Cannot read the embedding: no image is set (call setImage first)",
        {
          field: "image",
        },
      );
    }
    return { ...this.current };
  }

  /** Forgets the current image (the cache keeps its embedding). */
  resetImage(): void {
    this.current = undefined;
  }

  /** Runs the decoder for one prompt set on the current image and returns the raw outputs. */
  async decode(prompt: PromptInput): Promise<{ raw: DecoderResult; img: CachedImage }> {
    const img = this.current;
    if (!img) {
      throw new SamqError("invalid_argument", "Cannot predict: no image is set (call setImage first)", {
        field: "image",
      });
    }
    const { origSize, inputSize } = img;
    validatePrompt(prompt, origSize);
    const points = prompt.points ?? [];
    const labels = prompt.labels ?? points.map(() => 1);
    const flat = points.flat();
    const decoderPrompt = {
      points: Array.from(transformCoords(flat, origSize, inputSize)),
      labels,
      ...(prompt.box ? { box: Array.from(transformBoxesXyxy(prompt.box, origSize, inputSize)) } : {}),
      ...(prompt.maskInput ? { maskInput: prompt.maskInput } : {}),
    };
    const raw = await this.adapter.decode(img.embedding, decoderPrompt, { input: inputSize, orig: origSize });
    return { raw, img };
  }

  /** Predicts the mask for one prompt set; the mask with the best predicted IoU is returned. */
  async predict(prompt: PromptInput): Promise<Prediction> {
    const { raw, img } = await this.decode(prompt);
    const index = chooseMask(raw);
    const s = raw.lowResSize;
    const low = raw.lowRes.subarray(index * s * s, (index + 1) * s * s);
    // SAM resizes 256 → 1024, crops the padding, then resizes to the image; SAM2 (square input) resizes
    // 256 → H×W directly (spec §A1.5).
    const logits = this.model.config.resize === "square"
      ? sam2PostprocessMasks(low, img.origSize, s)
      : postprocessMasks(low, img.inputSize, img.origSize, { size: this.adapter.inputSize, lowResSize: s });
    return {
      mask: thresholdMask(logits, this.model.config.maskThreshold),
      logits,
      score: raw.iou[index] as number,
      index,
      token: raw.tokens[index] as number,
      raw,
      origSize: img.origSize,
      inputSize: img.inputSize,
    };
  }

  /** Frees the sessions. */
  async release(): Promise<void> {
    this.cache.clear();
    await this.adapter.release();
  }
}

function validatePrompt(prompt: PromptInput, size: SizeHw): void {
  const points = prompt.points ?? [];
  if (points.length === 0 && !prompt.box) {
    throw new SamqError("invalid_prompt", "Cannot predict: no point and no box given", { field: "points" });
  }
  if (prompt.labels && prompt.labels.length !== points.length) {
    throw new SamqError(
      "invalid_prompt",
      `Cannot predict: ${points.length} points but ${prompt.labels.length} labels`,
      { field: "labels" },
    );
  }
  for (const [x, y] of points) {
    if (!(Number.isFinite(x) && Number.isFinite(y) && x >= 0 && y >= 0 && x < size.w && y < size.h)) {
      throw new SamqError(
        "invalid_prompt",
        `Cannot predict: point (${x}, ${y}) is outside the ${size.w}x${size.h} image`,
        { field: "points" },
      );
    }
  }
  if (prompt.box) {
    const [x0, y0, x1, y1] = prompt.box;
    if (![x0, y0, x1, y1].every(Number.isFinite) || x1 < x0 || y1 < y0) {
      throw new SamqError(
        "invalid_prompt",
        `Cannot predict: box [${prompt.box.join(", ")}] needs x0 <= x1 and y0 <= y1`,
        { field: "box" },
      );
    }
    if (x1 < 0 || y1 < 0 || x0 > size.w || y0 > size.h) {
      throw new SamqError(
        "invalid_prompt",
        `Cannot predict: box [${prompt.box.join(", ")}] lies outside the ${size.w}x${size.h} image`,
        { field: "box" },
      );
    }
  }
}
