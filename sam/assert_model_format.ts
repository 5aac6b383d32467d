/**
 * Checks that a model folder's ONNX files have the interface its `sam.json` names, for the callers that
 * read the graphs themselves (quantization, the bench's up-front validation) instead of opening an
 * adapter, which would check it on open.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { detectFormat } from "./adapters/open_adapter.ts";
import type { SamModelDir } from "./model_dir.ts";

/**
 * Opens both files (graph optimization off) and compares their layout with `sam.json`'s `format`.
 *
 * @throws {SamqError} `invalid_model` for a file ONNX Runtime cannot load (corrupt, truncated, cyclic,
 *   missing initializer), for files that match no layout, and (field "format") for another layout.
 */
export async function assertModelFormat(model: SamModelDir): Promise<void> {
  const detected = await detectFormat(model.encoderPath, model.decoderPath);
  if (detected !== model.config.format) {
    throw new SamqError(
      "invalid_model",
      `Cannot use "${model.dir}": sam.json says format "${model.config.format}", its files have the ${detected} interface`,
      { path: join(model.dir, "sam.json"), field: "format" },
    );
  }
}
