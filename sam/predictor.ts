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
import type { RgbImage } from "./image_io_read_rgb.ts";
import { preprocessImage } from "./preprocess_image.ts";
import type { SizeHw } from "./preprocess_shape.ts";
import { transformCoords } from "./coords_transform.ts";
import { transformBoxesXyxy } from "./coords_transform_boxes.ts";
import { postprocessMasks } from "./postprocess_masks.ts";
import { thresholdMask } from "./postprocess_threshold.ts";

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
    const pre = preprocessImage(image.data, image.h, image.w, {
      size: cfg.inputSize,
      mean: cfg.pixelMean,
      std: cfg.pixelStd,
      resize: cfg.resize,
    });
    const t0 = performance.now();
    const embedding = await this.adapter.encode(pre.tensor);
    this.encodeMs += performance.now() - t0;
    this.encodeCount++;
    const entry = { embedding, inputSize: pre.inputSize, origSize: pre.origSize };
    this.cache.set(key, entry);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.current = entry;
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
    const logits = postprocessMasks(low, img.inputSize, img.origSize, {
      size: this.adapter.inputSize,
      lowResSize: s,
    });
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
