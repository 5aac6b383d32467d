/**
 * The post-extract step of the SAM2 install (`deno task model get sam2-tiny`): the package ships the
 * image encoder in ORT format (flatbuffers for onnxruntime-web), which samq's ONNX tools cannot read.
 * The step converts it to plain ONNX (`convertOrtToOnnx`), checks the converted graph's op census, runs
 * the shipped and the converted encoder on one real image (SAM2 preprocessing) and requires their
 * outputs to agree within a tolerance, then drops the `.ort` file and records the conversion and the
 * measured max abs difference in `sam.json` provenance.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { sha256File } from "../../util/hash.ts";
import type { SessionOptions } from "../../runtime/session.ts";
import type { InstallProgress, PostExtract } from "../model_install.ts";
import type { Rgb3 } from "../preprocess/preprocess_normalize_and_pad.ts";
import { preprocessImage } from "../preprocess/preprocess_image.ts";
import { compareEncoders } from "./sam2_compare_encoders.ts";
import { convertOrtToOnnx, type OrtConversionExpectation } from "./sam2_convert_encoder.ts";
import { sam2VerificationImage, type VerificationImage } from "./sam2_verification_image.ts";

/** Options of {@link sam2ConvertEncoderStep}. */
export interface Sam2ConvertOptions {
  /** Name of the extracted ORT-format encoder in the model folder (removed after conversion). */
  ortFile: string;
  /** Name of the converted ONNX encoder (`sam.json` `files.encoder`). */
  onnxFile: string;
  /** Census the converted graph must match; none = only the default-domain check. */
  expect?: OrtConversionExpectation;
  /** Largest allowed |onnx − ort| over all encoder outputs on the verification image. */
  tolerance: number;
  /** Encoder input side and pixel statistics (0..255 scale), as in `sam.json`. */
  inputSize: number;
  pixelMean: Rgb3;
  pixelStd: Rgb3;
  /** Picks the verification image. @default {@link sam2VerificationImage} */
  image?: () => Promise<VerificationImage>;
  /** Session options of the comparison runs. @default CPU, all graph optimizations */
  session?: SessionOptions;
  /** Fixed provenance fields added to `sam.json` (package, licences). */
  provenance?: Readonly<Record<string, string>>;
}

/** Builds the {@link PostExtract} hook that converts and verifies the SAM2 encoder. */
export function sam2ConvertEncoderStep(options: Sam2ConvertOptions): PostExtract {
  return async (dir: string, sha256: Readonly<Record<string, string>>, progress: InstallProgress) => {
    const ortPath = join(dir, options.ortFile);
    const onnxPath = join(dir, options.onnxFile);
    progress(`  converting ${options.ortFile} (ORT format) → ${options.onnxFile} with onnxruntime-node`);
    const summary = await convertOrtToOnnx(ortPath, onnxPath, options.expect);
    const census = ["LayerNormalization", "MatMul", "Softmax", "Erf", "Conv"]
      .map((op) => `${op} ${summary.opCensus[op] ?? 0}`).join(", ");
    progress(
      `  ${options.onnxFile}: opset ${summary.opset[""]}, ${summary.nodeCount} nodes (${census}), ` +
        `${(summary.parameterCount / 1e6).toFixed(2)} M parameters`,
    );
    const { image, label } = await (options.image ?? sam2VerificationImage)();
    const pre = preprocessImage(image.data, image.h, image.w, {
      size: options.inputSize,
      resize: "square",
      mean: options.pixelMean,
      std: options.pixelStd,
    });
    const cmp = await compareEncoders(ortPath, onnxPath, pre.tensor, options.session ?? {});
    const perOutput = Object.entries(cmp.maxAbsDiffPerOutput)
      .map(([k, v]) => `${k} ${v.toExponential(2)} (max |ref| ${cmp.maxAbsPerOutput[k]?.toFixed(2)})`).join(
        ", ",
      );
    progress(`  equivalence on ${label}: max abs diff ${cmp.maxAbsDiff.toExponential(2)} [${perOutput}]`);
    if (!(cmp.maxAbsDiff <= options.tolerance)) {
      throw new SamqError(
        "incompatible",
        `Cannot install the converted encoder "${options.onnxFile}": outputs differ from "${options.ortFile}" ` +
          `by ${cmp.maxAbsDiff} on ${label} (tolerance ${options.tolerance})`,
        { path: onnxPath, field: "maxAbsDiff" },
      );
    }
    const ortSha = sha256[options.ortFile] ?? "";
    await Deno.remove(ortPath);
    const files: Record<string, string> = { ...sha256 };
    delete files[options.ortFile];
    files[options.onnxFile] = await sha256File(onnxPath);
    return {
      sha256: files,
      provenance: {
        ...options.provenance,
        encoderConvertedFrom: `${options.ortFile} (ORT format, sha256 ${ortSha})`,
        encoderConversion:
          "onnxruntime-node optimizedModelFilePath with graphOptimizationLevel disabled; unused opset imports dropped",
        encoderCensus: `opset ${
          summary.opset[""]
        }, ${summary.nodeCount} nodes, ${census}, ${summary.parameterCount} parameters`,
        encoderEquivalenceImage: label,
        encoderEquivalenceMaxAbsDiff: String(cmp.maxAbsDiff),
        encoderEquivalencePerOutput: perOutput,
      },
    };
  };
}
