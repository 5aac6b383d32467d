/**
 * Internal: the per-sample tensors flowing between reconstruction units, for the quantized model ("q")
 * and the float model ("fp", and the float outputs of the current unit, "target"), kept in a {@link TensorCache} (bounded memory, disk spill).
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { TensorCache } from "./tensor_cache.ts";

/** A stream name ("target": the float outputs of the unit being learned). */
export type Stream = "q" | "fp" | "target";

/** Per-sample named tensors of both streams. */
export class Streams {
  readonly #cache: TensorCache;
  readonly #names = new Map<string, Set<string>>();

  constructor(cache: TensorCache) {
    this.#cache = cache;
  }

  #key(stream: Stream, sample: number, name: string): string {
    return `${stream}/${sample}/${name}`;
  }

  async set(stream: Stream, sample: number, name: string, t: ort.Tensor): Promise<void> {
    const k = `${stream}/${sample}`;
    if (!this.#names.has(k)) this.#names.set(k, new Set());
    this.#names.get(k)!.add(name);
    await this.#cache.put(this.#key(stream, sample, name), t);
  }

  get(stream: Stream, sample: number, name: string): Promise<ort.Tensor> {
    return this.#cache.get(this.#key(stream, sample, name));
  }

  /** The tensors `names` of one sample, by name. */
  async feeds(
    stream: Stream,
    sample: number,
    names: readonly string[],
    rename = (n: string) => n,
  ): Promise<Record<string, ort.Tensor>> {
    const out: Record<string, ort.Tensor> = {};
    for (const n of names) out[rename(n)] = await this.get(stream, sample, n);
    return out;
  }

  /** Drops every tensor of the sample not in `keep`. */
  async retain(stream: Stream, sample: number, keep: ReadonlySet<string>): Promise<void> {
    const names = this.#names.get(`${stream}/${sample}`) ?? new Set();
    for (const n of [...names]) {
      if (keep.has(n)) continue;
      names.delete(n);
      await this.#cache.delete(this.#key(stream, sample, n));
    }
  }
}
