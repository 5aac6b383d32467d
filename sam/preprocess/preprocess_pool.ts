/**
 * A pool of Deno Workers that decode and preprocess images (and, on request, postprocess masks) off the main
 * thread, so that on a many-core host the JS work for the next images overlaps the model runs of the current one. (onnxruntime-node's `run`
 * blocks the calling JS thread while its native threads compute, so overlap needs another JS thread.)
 *
 * Each worker runs `readImageRgb` (sharp) and `preprocessImage` (Pillow-exact resize + normalise + pad, the
 * same code as on the main thread, so results are bit-identical). Buffers move by transfer, never by copy.
 * Tensors handed back with {@link PreprocessPool.recycle} are reused as the output of later jobs, so a
 * steady stream of images allocates no new 12 MB tensors.
 *
 * ```ts ignore
 * const pool = new PreprocessPool({ workers: 3, preprocess: { size: 1024 } });
 * for await (const pre of pool.preprocessFiles(paths, { depth: 4, wantKey: true })) {
 *   await predictor.setPreprocessedImage(pre, { key: pre.key });
 *   pool.recycle(pre.tensor); // the predictor does not keep the tensor
 * }
 * await pool.close();
 * ```
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";
import type { PreprocessedImage } from "./preprocess_image.ts";
import type { SizeHw } from "./preprocess_shape.ts";
import type {
  PoolPreprocessOptions,
  PoolRequest,
  PostprocessReply,
  PreprocessFailure,
  PreprocessReply,
  PreprocessRequest,
} from "./preprocess_pool_messages.ts";

/** Options of {@link PreprocessPool}. */
export interface PreprocessPoolOptions {
  /** Number of workers. @default max(1, min(4, navigator.hardwareConcurrency − 1)) */
  workers?: number;
  /** Preprocessing options (stack, size, mean, std, resize) applied to every image. @default {} (SAM defaults) */
  preprocess?: PoolPreprocessOptions;
}

/** Per-job choices. */
export interface PreprocessJobOptions {
  /** Also return the decoded pixels as `image` (moved, not copied). @default false */
  wantImage?: boolean;
  /** Also return `key`, the predictor's embedding-cache key (`imageKey`) of the pixels. @default false */
  wantKey?: boolean;
}

/** Options of {@link PreprocessPool.preprocessFiles}. */
export interface PrefetchOptions extends PreprocessJobOptions {
  /** Images submitted ahead of the one being consumed (including it). @default 2 × workers */
  depth?: number;
}

/** A preprocessed image as the pool returns it. */
export interface PooledImage extends PreprocessedImage {
  /** The decoded file, for file jobs. */
  path: string | undefined;
  /** Decoded pixels, when `wantImage` was set. */
  image: RgbImage | undefined;
  /** Embedding-cache key, when `wantKey` was set. */
  key: string | undefined;
  /** Worker-side wall time (ms) of decoding (0 for pixel jobs) and of preprocessing. */
  decodeMs: number;
  preprocessMs: number;
}

/** Options of {@link PreprocessPool.postprocessMask}. */
export interface PoolPostprocessOptions {
  /** Side of the padded input frame. @default the pool's `preprocess.size`, else 1024 */
  size?: number;
  /** Mask threshold on the logits. @default 0 */
  threshold?: number;
  /** Also return the full-size logits. @default false */
  wantLogits?: boolean;
}

/** A mask postprocessed on a worker. */
export interface PooledMask {
  /** Uint8Array `[origH, origW]` row-major, 1 inside (logit > threshold). */
  mask: Uint8Array;
  /** Float32Array `[origH, origW]` logits, when `wantLogits` was set. */
  logits: Float32Array | undefined;
  /** Worker-side wall time (ms). */
  postprocessMs: number;
}

interface Job {
  request: PoolRequest;
  transfer: ArrayBuffer[];
  finish: (msg: PreprocessReply | PostprocessReply) => void;
  reject: (e: unknown) => void;
}

const WORKER_URL = new URL("./_preprocess_worker.ts", import.meta.url);

/** Decodes and preprocesses images on a pool of workers. */
export class PreprocessPool {
  readonly size: number;
  readonly options: PoolPreprocessOptions;
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  #running = new Map<Worker, Job>();
  #queue: Job[] = [];
  #free: ArrayBuffer[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: PreprocessPoolOptions = {}) {
    const n = options.workers ?? Math.max(1, Math.min(4, (navigator.hardwareConcurrency ?? 2) - 1));
    if (!Number.isInteger(n) || n < 1) {
      throw new SamqError(
        "invalid_argument",
        `Cannot start a preprocess pool: "workers" must be ≥ 1, got ${n}`,
        {
          field: "workers",
        },
      );
    }
    this.size = n;
    this.options = { ...options.preprocess };
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER_URL, { type: "module" });
      w.onmessage = (e: MessageEvent<PreprocessReply | PostprocessReply | PreprocessFailure>) =>
        this.#onReply(w, e.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.#onCrash(w, e.message);
      };
      this.#workers.push(w);
      this.#idle.push(w);
    }
  }

  /** Decodes the image file and preprocesses it on a worker. */
  preprocessFile(path: string, options: PreprocessJobOptions = {}): Promise<PooledImage> {
    return this.#submit({ kind: "file", path }, [], options);
  }

  /** Preprocesses given pixels on a worker; `image.data` is copied (the caller keeps its array). */
  preprocessRgb(image: RgbImage, options: PreprocessJobOptions = {}): Promise<PooledImage> {
    const data = image.data.slice().buffer as ArrayBuffer;
    return this.#submit({ kind: "rgb", data, h: image.h, w: image.w }, [data], options);
  }

  /**
   * Postprocesses one low-res mask on a worker: `postprocessMasks` then `thresholdMask`, the same code (and
   * so the same values) as `SamPredictor.predict` runs on the main thread. `lowRes` is copied.
   *
   * @param lowRes Float32Array `[lowResSize, lowResSize]` logits of one mask.
   * @param inputSize Resized (unpadded) size in the input frame.
   * @param origSize Original image size.
   */
  postprocessMask(
    lowRes: Float32Array,
    inputSize: SizeHw,
    origSize: SizeHw,
    options: PoolPostprocessOptions = {},
  ): Promise<PooledMask> {
    const side = Math.round(Math.sqrt(lowRes.length));
    if (side * side !== lowRes.length || side === 0) {
      return Promise.reject(
        new SamqError(
          "invalid_argument",
          `Cannot postprocess: ${lowRes.length} values are not one square mask`,
          {
            field: "lowRes",
          },
        ),
      );
    }
    const buf = lowRes.slice().buffer as ArrayBuffer;
    const request: PoolRequest = {
      id: this.#nextId++,
      kind: "postprocess",
      lowRes: buf,
      lowResSize: side,
      inputSize,
      origSize,
      size: options.size ?? this.options.size ?? 1024,
      threshold: options.threshold ?? 0,
      wantLogits: options.wantLogits ?? false,
    };
    return this.#enqueue<PooledMask>(request, [buf], (msg) => {
      if (msg.kind !== "postprocessed") throw new Error("Preprocess pool: unexpected reply");
      return {
        mask: new Uint8Array(msg.mask),
        logits: msg.logits ? new Float32Array(msg.logits) : undefined,
        postprocessMs: msg.postprocessMs,
      };
    });
  }

  /**
   * Preprocesses files with up to `depth` jobs in flight and yields the results in the order of `paths`.
   * A failed image throws when its turn comes; breaking out early leaves the pool usable.
   */
  async *preprocessFiles(
    paths: Iterable<string>,
    options: PrefetchOptions = {},
  ): AsyncGenerator<PooledImage> {
    const depth = options.depth ?? 2 * this.size;
    if (!Number.isInteger(depth) || depth < 1) {
      throw new SamqError("invalid_argument", `Cannot prefetch: "depth" must be ≥ 1, got ${depth}`, {
        field: "depth",
      });
    }
    const it = paths[Symbol.iterator]();
    const window: Promise<PooledImage>[] = [];
    const fill = () => {
      while (window.length < depth) {
        const next = it.next();
        if (next.done) return;
        window.push(this.preprocessFile(next.value, options));
      }
    };
    fill();
    while (window.length > 0) {
      const result = await window.shift()!;
      fill();
      yield result;
    }
  }

  /**
   * Gives a tensor back for reuse as the output buffer of a later job. Only call it once nothing reads the
   * tensor any more (after the encoder run that used it has resolved). Tensors of another size are ignored.
   */
  recycle(tensor: Float32Array): void {
    const size = this.options.size ?? 1024;
    const buf = tensor.buffer;
    if (buf instanceof ArrayBuffer && tensor.byteOffset === 0 && buf.byteLength === 12 * size * size) {
      if (this.#free.length < 2 * this.size + 2) this.#free.push(buf);
    }
  }

  /** Stops the workers; jobs not finished yet are rejected. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const err = new SamqError("unavailable", "Cannot preprocess: the pool was closed");
    for (const job of [...this.#queue, ...this.#running.values()]) job.reject(err);
    this.#queue = [];
    this.#running.clear();
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    this.#idle = [];
    this.#free = [];
    return Promise.resolve();
  }

  #submit(
    what: { kind: "file"; path: string } | { kind: "rgb"; data: ArrayBuffer; h: number; w: number },
    transfer: ArrayBuffer[],
    options: PreprocessJobOptions,
  ): Promise<PooledImage> {
    if (this.#closed) {
      return Promise.reject(new SamqError("unavailable", "Cannot preprocess: the pool was closed"));
    }
    const request = {
      ...what,
      id: this.#nextId++,
      options: this.options,
      out: undefined,
      wantImage: options.wantImage ?? false,
      wantKey: options.wantKey ?? false,
    } as PreprocessRequest;
    return this.#enqueue<PooledImage>(request, transfer, (msg) => {
      if (msg.kind !== "preprocessed") throw new Error("Preprocess pool: unexpected reply");
      const { h, w } = msg.origSize;
      return {
        tensor: new Float32Array(msg.tensor),
        inputSize: msg.inputSize,
        origSize: msg.origSize,
        path: request.kind === "file" ? request.path : undefined,
        image: msg.image ? { data: new Uint8Array(msg.image), h, w } : undefined,
        key: msg.key,
        decodeMs: msg.decodeMs,
        preprocessMs: msg.preprocessMs,
      };
    });
  }

  #enqueue<T>(
    request: PoolRequest,
    transfer: ArrayBuffer[],
    convert: (msg: PreprocessReply | PostprocessReply) => T,
  ): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new SamqError("unavailable", "Cannot run a pool job: the pool was closed"));
    }
    const p = new Promise<T>((resolve, reject) => {
      this.#queue.push({ request, transfer, finish: (msg) => resolve(convert(msg)), reject });
    });
    // Rejections of jobs nobody awaits any more (after close or an early break) must not crash the process.
    p.catch(() => {});
    this.#dispatch();
    return p;
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const w = this.#idle.pop()!;
      const job = this.#queue.shift()!;
      const out = job.request.kind === "postprocess" ? undefined : this.#free.pop();
      if (job.request.kind !== "postprocess") job.request.out = out;
      this.#running.set(w, job);
      w.postMessage(job.request, out ? [...job.transfer, out] : job.transfer);
    }
  }

  #onReply(w: Worker, msg: PreprocessReply | PostprocessReply | PreprocessFailure): void {
    const job = this.#running.get(w);
    this.#running.delete(w);
    this.#idle.push(w);
    this.#dispatch();
    if (!job || job.request.id !== msg.id) return;
    if (!msg.ok) {
      job.reject(
        msg.code
          ? new SamqError(msg.code, msg.message, {
            ...(msg.path !== undefined ? { path: msg.path } : {}),
            ...(msg.field !== undefined ? { field: msg.field } : {}),
          })
          : new Error(`Preprocess worker failed: ${msg.message}`),
      );
      return;
    }
    try {
      job.finish(msg);
    } catch (e) {
      job.reject(e);
    }
  }

  #onCrash(w: Worker, message: string): void {
    const job = this.#running.get(w);
    this.#running.delete(w);
    this.#workers = this.#workers.filter((x) => x !== w);
    w.terminate();
    job?.reject(new Error(`Preprocess worker crashed: ${message}`));
    if (this.#workers.length === 0) {
      const err = new Error("Preprocess pool has no workers left");
      for (const j of this.#queue) j.reject(err);
      this.#queue = [];
    }
  }
}
