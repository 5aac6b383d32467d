/**
 * `EncoderWorker`: a model's image encoder running in its own Deno Worker, so that encoder runs overlap the
 * decoder runs and postprocessing on the main thread.
 *
 * Why a thread: onnxruntime-node's `session.run` returns a promise but performs the whole run synchronously
 * on the calling JS thread (it is deferred with `setImmediate`, then blocks), so two runs issued from one
 * thread never overlap. A worker owns a second ORT session of the same encoder file; the embedding comes back
 * by transfer and is wrapped as `ort.Tensor`s equal, value for value, to what `adapter.encode` returns on the
 * main thread (same file, same EP, same input). Pair it with `SamPredictor.setEncodedImage`.
 *
 * Costs: the encoder weights are loaded twice (main-thread adapter + worker), and on a CPU EP both threads'
 * ORT pools share the cores (set `intraOpThreads` to split them).
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import type { SessionOptions } from "../../runtime/session.ts";
import type { SamModelDir } from "../model_dir.ts";
import type { ImageEmbedding } from "../adapters/types.ts";
import type { EncoderReply, EncoderRequest } from "./preprocess_pool_encoder_worker.ts";

/** An embedding computed by the worker. */
export interface WorkerEmbedding {
  /** Encoder outputs as `ort.Tensor`s (what the model's adapter `encode` returns). */
  embedding: ImageEmbedding;
  /** The input tensor, handed back (its buffer travelled to the worker and back) for reuse. */
  tensor: Float32Array;
  /** Wall time of the encoder run inside the worker, in ms. */
  encodeMs: number;
}

interface Pending {
  resolve: (v: WorkerEmbedding) => void;
  reject: (e: unknown) => void;
}

const WORKER_URL = new URL("./preprocess_pool_encoder_worker.ts", import.meta.url);

/** A model's encoder on a worker thread; requests are served one at a time, in order. */
export class EncoderWorker {
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  private constructor(worker: Worker, readonly inputSize: number) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<EncoderReply>) => this.#onReply(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#failAll(new Error(`Encoder worker crashed: ${e.message}`));
    };
  }

  /**
   * Starts a worker and opens the model's encoder in it (the decoder session is opened there too, unused).
   *
   * @param model The model directory (as from `loadModelDir`).
   * @param session Session options for the worker's sessions (EP, intra-op threads, …). @default {}
   * @throws {SamqError} whatever opening the model in the worker raised (missing file, wrong layout, EP).
   */
  static open(model: SamModelDir, session: SessionOptions = {}): Promise<EncoderWorker> {
    const worker = new Worker(WORKER_URL, { type: "module" });
    return new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<EncoderReply>) => {
        const r = e.data;
        if (r.kind === "opened") resolve(new EncoderWorker(worker, r.inputSize));
        else {
          worker.terminate();
          reject(r.kind === "failed" ? toError(r) : new Error("Encoder worker: unexpected reply"));
        }
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        worker.terminate();
        reject(new Error(`Encoder worker crashed: ${e.message}`));
      };
      const req: EncoderRequest = { kind: "open", model: model.dir, session };
      worker.postMessage(req);
    });
  }

  /**
   * Encodes a preprocessed tensor. Its buffer is transferred to the worker (the caller's array becomes
   * empty) and comes back as `tensor` in the result.
   *
   * @param tensor Float32Array `[1, 3, S, S]` NCHW (from `preprocessImage` or a `PreprocessPool`), a whole buffer.
   */
  encode(tensor: Float32Array): Promise<WorkerEmbedding> {
    if (this.#closed) {
      return Promise.reject(new SamqError("unavailable", "Cannot encode: the worker was closed"));
    }
    const s = this.inputSize;
    if (
      tensor.length !== 3 * s * s || tensor.byteOffset !== 0 || tensor.buffer.byteLength !== tensor.byteLength
    ) {
      return Promise.reject(
        new SamqError("invalid_argument", `Cannot encode: expected a whole 3x${s}x${s} Float32Array`, {
          field: "tensor",
        }),
      );
    }
    const id = this.#nextId++;
    const p = new Promise<WorkerEmbedding>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    p.catch(() => {});
    const buf = tensor.buffer as ArrayBuffer;
    const req: EncoderRequest = { kind: "encode", id, tensor: buf };
    this.#worker.postMessage(req, [buf]);
    return p;
  }

  /** Stops the worker; pending requests are rejected. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#failAll(new SamqError("unavailable", "Cannot encode: the worker was closed"));
      this.#worker.terminate();
    }
    return Promise.resolve();
  }

  #onReply(r: EncoderReply): void {
    if (r.kind === "opened") return;
    const job = r.id === undefined ? undefined : this.#pending.get(r.id);
    if (r.id !== undefined) this.#pending.delete(r.id);
    if (!job) return;
    if (r.kind === "failed") {
      job.reject(toError(r));
      return;
    }
    const embedding: ImageEmbedding = {};
    for (const o of r.outputs) {
      embedding[o.name] = new ort.Tensor("float32", new Float32Array(o.data), o.dims);
    }
    job.resolve({ embedding, tensor: new Float32Array(r.tensor), encodeMs: r.encodeMs });
  }

  #failAll(err: unknown): void {
    for (const job of this.#pending.values()) job.reject(err);
    this.#pending.clear();
  }
}

function toError(r: Extract<EncoderReply, { kind: "failed" }>): Error {
  if (!r.code) return new Error(`Encoder worker failed: ${r.message}`);
  return new SamqError(r.code, r.message, {
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.field !== undefined ? { field: r.field } : {}),
  });
}
