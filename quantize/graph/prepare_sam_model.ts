/**
 * Loads a SAM model directory's two graphs into the IR, prepares them (`prepareGraph`: the encoder input
 * fixed to [1, 3, S, S] and its shape computations folded; the decoder keeps its dynamic number of
 * points) and runs the pattern finders on both.
 *
 * @module
 */
import { readModel } from "../../onnx/io/read_model.ts";
import type { Model } from "../../onnx/ir/model.ts";
import type { SamModelDir } from "../../sam/model_dir.ts";
import { SamqError } from "../../util/errors.ts";
import { findPatterns } from "./find_patterns.ts";
import { prepareGraph, type PrepareGraphReport } from "./prepare_graph.ts";
import type { GraphPatterns, ModelPart } from "./types.ts";

/** One prepared graph. */
export interface PreparedPart {
  part: ModelPart;
  /** The IR model, edited in place by folding and quantizer insertion. */
  model: Model;
  /** Patterns found after preparation. */
  patterns: GraphPatterns;
  /** The source ONNX file. */
  sourcePath: string;
  report: PrepareGraphReport;
}

/** Both prepared graphs of a model directory. */
export interface PreparedModel {
  source: SamModelDir;
  encoder: PreparedPart;
  decoder: PreparedPart;
}

/**
 * Reads and prepares `source`'s encoder and decoder.
 *
 * @throws {SamqError} `invalid_model` when the encoder has not exactly one input, or a part has no Linear.
 */
export async function prepareSamModel(source: SamModelDir): Promise<PreparedModel> {
  const s = source.config.inputSize;
  const enc = await readModel(source.encoderPath);
  if (enc.graph.inputs.length !== 1) {
    throw new SamqError(
      "invalid_model",
      `Cannot quantize "${source.encoderPath}": the encoder has ${enc.graph.inputs.length} inputs, expected 1`,
      { path: source.encoderPath, field: "inputs" },
    );
  }
  const encReport = await prepareGraph(enc.graph, {
    inputShapes: { [enc.graph.inputs[0]!.name]: [1, 3, s, s] },
  });
  const dec = await readModel(source.decoderPath);
  const decReport = await prepareGraph(dec.graph);
  return {
    source,
    encoder: {
      part: "encoder",
      model: enc,
      patterns: findPatterns(enc.graph, "encoder", { path: source.encoderPath }),
      sourcePath: source.encoderPath,
      report: encReport,
    },
    decoder: {
      part: "decoder",
      model: dec,
      patterns: findPatterns(dec.graph, "decoder", { path: source.decoderPath }),
      sourcePath: source.decoderPath,
      report: decReport,
    },
  };
}
