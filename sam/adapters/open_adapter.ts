/**
 * Opens the adapter that a model directory's `sam.json` names, and detects the layout of an
 * unregistered pair of ONNX files by reading their IO names.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { createSession, type SessionOptions } from "../../runtime/session.ts";
import type { SamFormat, SamModelDir } from "../model_dir.ts";
import { matchesHf, openHfAdapter } from "./hf.ts";
import { describeMismatch, matchesOfficial, openOfficialAdapter } from "./official.ts";
import { matchesSam2, openSam2Adapter } from "./sam2.ts";
import type { SamAdapter } from "./types.ts";

/** Opens the model's adapter with the given session options (EP etc.). */
export function openAdapter(model: SamModelDir, options: SessionOptions = {}): Promise<SamAdapter> {
  const { format, inputSize } = model.config;
  switch (format) {
    case "official":
      return openOfficialAdapter(model.encoderPath, model.decoderPath, inputSize, options);
    case "hf":
      return openHfAdapter(model.encoderPath, model.decoderPath, inputSize, options);
    case "sam2":
      return openSam2Adapter(model.encoderPath, model.decoderPath, inputSize, options);
    default:
      throw new SamqError(
        "invalid_model",
        `Cannot open model "${model.dir}": format "${format}" is not supported yet`,
        {
          path: model.dir,
          field: "format",
        },
      );
  }
}

/** Detects the layout of an encoder/decoder pair; throws a `SamqError` listing what was found. */
export async function detectFormat(encoderPath: string, decoderPath: string): Promise<SamFormat> {
  const encoder = await createSession(encoderPath, { graphOptimizationLevel: "disabled" });
  const decoder = await createSession(decoderPath, { graphOptimizationLevel: "disabled" });
  try {
    if (matchesOfficial(encoder, decoder)) return "official";
    if (matchesHf(encoder, decoder)) return "hf";
    if (matchesSam2(encoder, decoder)) return "sam2";
    throw new SamqError("invalid_model", describeMismatch("official, hf or sam2", encoder, decoder), {
      path: decoderPath,
    });
  } finally {
    await encoder.release();
    await decoder.release();
  }
}
