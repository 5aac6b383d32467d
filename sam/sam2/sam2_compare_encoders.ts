/**
 * Runs two encoder files on the same input and reports how far their outputs are apart: the check that
 * a converted encoder (ORT format → ONNX) computes what the shipped one computes.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { createSession, floatTensor, readFloatOutput, type SessionOptions } from "../../runtime/session.ts";

/** Result of {@link compareEncoders}. */
export interface EncoderComparison {
  /** Largest |candidate − reference| over every element of every output. */
  maxAbsDiff: number;
  /** Output name → largest abs difference. */
  maxAbsDiffPerOutput: Record<string, number>;
  /** Output name → largest |reference| (the scale the differences compare against). */
  maxAbsPerOutput: Record<string, number>;
}

async function runOnce(session: ort.InferenceSession, pixels: Float32Array, path: string) {
  if (session.inputNames.length !== 1) {
    throw new SamqError(
      "invalid_model",
      `Cannot compare "${path}": it has ${session.inputNames.length} inputs`,
      {
        path,
      },
    );
  }
  const name = session.inputNames[0] as string;
  const meta = session.inputMetadata[0];
  const dims = meta && meta.isTensor ? meta.shape : [];
  if (
    !dims.every((d): d is number => typeof d === "number") ||
    dims.reduce((a, b) => a * b, 1) !== pixels.length
  ) {
    throw new SamqError(
      "invalid_argument",
      `Cannot compare "${path}": input "${name}" has shape [${dims.join(",")}], got ${pixels.length} values`,
      { path, field: name },
    );
  }
  return await session.run({ [name]: floatTensor(pixels, dims) });
}

/**
 * Runs `referencePath` and `candidatePath` on `pixels` and compares every output of the reference.
 *
 * @param referencePath Encoder whose outputs are the truth (e.g. the shipped `.ort`).
 * @param candidatePath Encoder to check (e.g. the converted `.onnx`).
 * @param pixels Float32Array for the single input, laid out as its static shape (NCHW).
 * @param options Session options for both (same EP, threads and optimization level).
 * @returns Max abs differences, overall and per output, and the reference magnitudes.
 * @throws {SamqError} `invalid_model` when the candidate lacks a reference output or a shape differs.
 */
export async function compareEncoders(
  referencePath: string,
  candidatePath: string,
  pixels: Float32Array,
  options: SessionOptions = {},
): Promise<EncoderComparison> {
  const ref = await createSession(referencePath, options);
  let refOut: ort.InferenceSession.OnnxValueMapType;
  try {
    refOut = await runOnce(ref, pixels, referencePath);
  } finally {
    await ref.release();
  }
  const cand = await createSession(candidatePath, options);
  let candOut: ort.InferenceSession.OnnxValueMapType;
  try {
    candOut = await runOnce(cand, pixels, candidatePath);
  } finally {
    await cand.release();
  }
  const result: EncoderComparison = { maxAbsDiff: 0, maxAbsDiffPerOutput: {}, maxAbsPerOutput: {} };
  for (const name of Object.keys(refOut)) {
    const a = readFloatOutput(refOut, name);
    const b = candOut[name] ? readFloatOutput(candOut, name) : undefined;
    if (!b || b.dims.join(",") !== a.dims.join(",")) {
      throw new SamqError(
        "invalid_model",
        `Cannot compare "${candidatePath}": output "${name}" is missing or has shape [${
          b?.dims.join(",") ?? ""
        }], expected [${a.dims.join(",")}]`,
        { path: candidatePath, field: name },
      );
    }
    let diff = 0;
    let mag = 0;
    for (let i = 0; i < a.data.length; i++) {
      const d = Math.abs((b.data[i] as number) - (a.data[i] as number));
      // A NaN anywhere must fail the caller's tolerance check, so it is kept rather than compared away.
      if (Number.isNaN(d)) {
        diff = NaN;
        break;
      }
      if (d > diff) diff = d;
      mag = Math.max(mag, Math.abs(a.data[i] as number));
    }
    result.maxAbsDiffPerOutput[name] = diff;
    result.maxAbsPerOutput[name] = mag;
    if (Number.isNaN(diff) || diff > result.maxAbsDiff) result.maxAbsDiff = diff;
  }
  return result;
}
