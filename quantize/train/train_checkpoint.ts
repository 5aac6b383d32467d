/**
 * The training checkpoint: everything needed to resume a run exactly (parameters, Adam moments, the
 * number of completed steps, the loss history), as JSON text with typed arrays in base64 of their
 * little-endian bytes, so that every bit round-trips.
 *
 * ```json
 * { "format": "samq.train-checkpoint", "version": 1, "step": 200, "steps": 1000,
 *   "params": { "s": { "dtype": "float32", "dims": [1], "data": "AACAPw==" } },
 *   "moments": { "s": { "m": "<float64 base64>", "v": "<float64 base64>" } },
 *   "losses": "<float64 base64>" }
 * ```
 *
 * Encoding and decoding are pure; `train` writes the text atomically.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { SamqError } from "../../util/errors.ts";
import type { AdamMoments } from "./adam.ts";

/** A parameter's values with their dimensions. */
export interface TrainParam {
  /** Values, row-major; float32 for float32 graphs, float64 for float64 graphs. */
  data: Float32Array | Float64Array;
  dims: number[];
}

/** The state of a run after `step` of `steps` updates. */
export interface TrainCheckpoint {
  step: number;
  steps: number;
  params: Record<string, TrainParam>;
  moments: Record<string, AdamMoments>;
  /** Loss of every completed step, in order. */
  losses: Float64Array;
}

const FORMAT = "samq.train-checkpoint";

function toBase64(a: Float32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function fromBase64(text: unknown, kind: "float32" | "float64", field: string): Float32Array | Float64Array {
  if (typeof text !== "string") throw invalid(`field "${field}" is not a base64 string`, field);
  const bytes = Buffer.from(text, "base64");
  const width = kind === "float32" ? 4 : 8;
  if (bytes.length % width !== 0) throw invalid(`field "${field}" has ${bytes.length} bytes`, field);
  const copy = new Uint8Array(bytes); // aligned copy
  return kind === "float32" ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
}

function invalid(message: string, field: string): SamqError {
  return new SamqError("invalid_file", `Cannot read the training checkpoint: ${message}`, { field });
}

/** The checkpoint as JSON text. */
export function encodeTrainCheckpoint(c: TrainCheckpoint): string {
  const params: Record<string, unknown> = {};
  const moments: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(c.params)) {
    params[name] = {
      dtype: p.data instanceof Float64Array ? "float64" : "float32",
      dims: p.dims,
      data: toBase64(p.data),
    };
    const m = c.moments[name]!;
    moments[name] = { m: toBase64(m.m), v: toBase64(m.v) };
  }
  return JSON.stringify({
    format: FORMAT,
    version: 1,
    step: c.step,
    steps: c.steps,
    params,
    moments,
    losses: toBase64(c.losses),
  });
}

/** Parses {@link encodeTrainCheckpoint}'s text; malformed content is an `invalid_file` error naming the field. */
export function decodeTrainCheckpoint(text: string): TrainCheckpoint {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SamqError("invalid_json", `Cannot parse the training checkpoint: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (raw?.format !== FORMAT || raw.version !== 1) throw invalid(`not a ${FORMAT} version 1`, "/format");
  const int = (v: unknown, field: string) => {
    if (!Number.isInteger(v) || (v as number) < 0) throw invalid(`field "${field}" is not a count`, field);
    return v as number;
  };
  const step = int(raw.step, "/step");
  const steps = int(raw.steps, "/steps");
  const params: Record<string, TrainParam> = {};
  const moments: Record<string, AdamMoments> = {};
  const rawParams = (raw.params ?? {}) as Record<string, Record<string, unknown>>;
  const rawMoments = (raw.moments ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, p] of Object.entries(rawParams)) {
    const kind = p.dtype === "float64" ? "float64" : "float32";
    const data = fromBase64(p.data, kind, `/params/${name}/data`);
    const dims = p.dims;
    if (!Array.isArray(dims) || dims.reduce((a: number, b: number) => a * b, 1) !== data.length) {
      throw invalid(`field "/params/${name}/dims" does not match the data`, `/params/${name}/dims`);
    }
    params[name] = { data, dims: dims as number[] };
    const m = rawMoments[name];
    if (m === undefined) throw invalid(`field "/moments/${name}" is missing`, `/moments/${name}`);
    moments[name] = {
      m: fromBase64(m.m, "float64", `/moments/${name}/m`) as Float64Array,
      v: fromBase64(m.v, "float64", `/moments/${name}/v`) as Float64Array,
    };
  }
  const losses = fromBase64(raw.losses, "float64", "/losses") as Float64Array;
  if (losses.length !== step) throw invalid(`${losses.length} losses for ${step} steps`, "/losses");
  return { step, steps, params, moments, losses };
}
