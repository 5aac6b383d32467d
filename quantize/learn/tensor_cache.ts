/**
 * A key → tensor store for reconstruction and end-to-end training (unit inputs of the quantized and the
 * float model, float targets, preprocessed images), bounded in memory: once `maxBytes` are held, further
 * tensors are written to files under a temporary folder (created on first spill, removed by `dispose`)
 * and read back on demand. Values are kept as given (no copy); callers must not mutate them.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";

type Data = ort.Tensor["data"];

/** Options of {@link TensorCache}. */
export interface TensorCacheOptions {
  /** Bytes held in memory before spilling to disk. @default 1 GiB */
  maxBytes?: number;
  /** Folder under which the temporary spill folder is created. @default the system temp folder */
  parentDir?: string;
}

interface Entry {
  type: ort.Tensor.Type;
  dims: readonly number[];
  bytes: number;
  data?: Data;
  file?: string;
}

/** The store (see the module doc). */
export class TensorCache {
  readonly maxBytes: number;
  readonly #parent: string | undefined;
  #dir: string | undefined;
  #entries = new Map<string, Entry>();
  #memory = 0;
  #files = 0;

  constructor(options: TensorCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 2 ** 30;
    this.#parent = options.parentDir;
  }

  /** Bytes in memory and on disk. */
  get stats(): { memoryBytes: number; diskBytes: number; entries: number } {
    let disk = 0;
    for (const e of this.#entries.values()) if (e.file !== undefined) disk += e.bytes;
    return { memoryBytes: this.#memory, diskBytes: disk, entries: this.#entries.size };
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Stores `t` under `key` (replacing an older value). */
  async put(key: string, t: ort.Tensor): Promise<void> {
    await this.delete(key);
    const data = t.data;
    if (typeof data === "string" || Array.isArray(data) || !ArrayBuffer.isView(data)) {
      throw new SamqError("invalid_argument", `Cannot cache tensor "${key}" of type ${t.type}`, {
        field: key,
      });
    }
    const bytes = data.byteLength;
    const entry: Entry = { type: t.type, dims: [...t.dims], bytes };
    if (this.#memory + bytes <= this.maxBytes) {
      entry.data = data;
      this.#memory += bytes;
    } else {
      this.#dir ??= await Deno.makeTempDir({
        prefix: "samq-learn-",
        ...(this.#parent ? { dir: this.#parent } : {}),
      });
      entry.file = join(this.#dir, `${this.#files++}.bin`);
      await Deno.writeFile(entry.file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    this.#entries.set(key, entry);
  }

  /** The tensor under `key`. @throws {SamqError} `not_found` when absent. */
  async get(key: string): Promise<ort.Tensor> {
    const e = this.#entries.get(key);
    if (e === undefined) {
      throw new SamqError("not_found", `Cannot read cached tensor "${key}": it was never stored`, {
        field: key,
      });
    }
    const data = e.data ?? view(e.type, await Deno.readFile(e.file!));
    return new ort.Tensor(e.type as "float32", data as Float32Array, e.dims as number[]);
  }

  /** Removes `key` (and its file). */
  async delete(key: string): Promise<void> {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    this.#entries.delete(key);
    if (e.data !== undefined) this.#memory -= e.bytes;
    if (e.file !== undefined) await Deno.remove(e.file).catch(() => undefined);
  }

  /** Drops everything and removes the spill folder. */
  async dispose(): Promise<void> {
    this.#entries.clear();
    this.#memory = 0;
    if (this.#dir !== undefined) await Deno.remove(this.#dir, { recursive: true }).catch(() => undefined);
    this.#dir = undefined;
  }
}

function view(type: ort.Tensor.Type, bytes: Uint8Array): Data {
  const b = bytes.buffer as ArrayBuffer;
  const o = bytes.byteOffset, n = bytes.byteLength;
  switch (type) {
    case "float32":
      return new Float32Array(b, o, n / 4);
    case "float64":
      return new Float64Array(b, o, n / 8);
    case "int32":
      return new Int32Array(b, o, n / 4);
    case "int64":
      return new BigInt64Array(b, o, n / 8);
    case "uint8":
    case "bool":
      return new Uint8Array(b, o, n);
    case "int8":
      return new Int8Array(b, o, n);
    default:
      throw new SamqError("invalid_argument", `Cannot read a cached tensor of type ${type}`);
  }
}
