/**
 * Internal test harness for method tests: quantize a model directory with a method imported directly
 * (not through the registry), audit it as `quantizeModel` does, and compare float and quantized decoder
 * masks on the audit images. Nothing is written to disk. Not re-exported; used by `*_test.ts` only.
 *
 * @module
 */
import { decodeModel, readModel } from "../../../onnx/io/read_model.ts";
import type { Graph } from "../../../onnx/ir/graph.ts";
import { loadModelDir, type SamModelDir } from "../../../sam/model_dir.ts";
import { auditQuantizedModel, type AuditResult } from "../../audit/audit_quantized_model.ts";
import { type CalibrationSet, openCalibrationSet } from "../../calibrate/calibration_set.ts";
import { NO_PROGRESS } from "../../calibrate/progress.ts";
import { type RunOutputs, runSamForward } from "../../calibrate/run_sam_forward.ts";
import { findPatterns } from "../../graph/find_patterns.ts";
import { type PreparedModel, type PreparedPart, prepareSamModel } from "../../graph/prepare_sam_model.ts";
import { encodeModel } from "../../../onnx/io/write_model.ts";
import { auditInputOf } from "../../quantize_model.ts";
import type { BitWidths, Granularity, Method, QuantizedModel, Scope } from "../types.ts";

/** What {@link quantizeForTest} ran and found. */
export interface MethodTestRun {
  source: SamModelDir;
  calibration: CalibrationSet;
  prepared: PreparedModel;
  result: QuantizedModel;
  audit: AuditResult;
}

/** Options of {@link quantizeForTest}. */
export interface MethodTestOptions<O> {
  model: string;
  calib: string;
  n: number;
  bits: BitWidths;
  methodOptions?: Partial<O>;
  granularity?: Granularity;
  scope?: Scope;
  auditImages?: number;
  promptsPerImage?: number;
  /** A prepared model to quantize (edited in place); default: prepare `model` afresh. */
  prepared?: PreparedModel;
}

/** Quantizes and audits `options.model` with `method`. */
export async function quantizeForTest<O extends object>(
  method: Method<O>,
  options: MethodTestOptions<O>,
): Promise<MethodTestRun> {
  const source = await loadModelDir(options.model);
  const calibration = await openCalibrationSet(options.calib, {
    n: options.n,
    evalData: null,
    promptsPerImage: options.promptsPerImage ?? 2,
  });
  const prepared = options.prepared ?? await prepareSamModel(source);
  const result = await method.quantize(prepared, calibration, {
    bits: options.bits,
    granularity: options.granularity ?? "per-tensor",
    scope: options.scope ?? "both",
    includeFloatParts: false,
    seed: 0,
    ep: "cpu",
    method: method.resolveOptions(options.methodOptions ?? {}),
  }, NO_PROGRESS);
  const audit = await auditQuantizedModel(
    await auditInputOf(source, prepared, result, calibration.images.slice(0, options.auditImages ?? 1)),
    { ep: "cpu" },
  );
  return { source, calibration, prepared, result, audit };
}

/** An independent copy of a prepared model (graphs re-decoded, patterns found again): cheaper than preparing. */
export function clonePrepared(p: PreparedModel): PreparedModel {
  const part = (pp: PreparedPart): PreparedPart => {
    const model = decodeModel(encodeModel(pp.model));
    return { ...pp, model, patterns: findPatterns(model.graph, pp.part, { path: pp.sourcePath }) };
  };
  return { source: p.source, encoder: part(p.encoder), decoder: part(p.decoder) };
}

/** Decoder outputs named `output` of each prompt run of `graphs` on `run`'s first `images` calibration images. */
export async function decoderOutputs(
  run: MethodTestRun,
  graphs: { encoder: Graph; decoder: Graph },
  output: string,
  images = 1,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  await runSamForward(graphs, run.calibration.images.slice(0, images), { config: run.source.config }, {
    decoder: (o: RunOutputs) => out.push((o[output]!.data as Float32Array).slice()),
  });
  return out;
}

/** The source model's float graphs, freshly read. */
export async function sourceGraphs(source: SamModelDir): Promise<{ encoder: Graph; decoder: Graph }> {
  return {
    encoder: (await readModel(source.encoderPath)).graph,
    decoder: (await readModel(source.decoderPath)).graph,
  };
}

/** IoU of the masks `a > 0` and `b > 0` (1 when both are empty). */
export function logitMaskIou(a: Float32Array, b: Float32Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 0, y = b[i]! > 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** `field → parsed @default value` of the options interface `name` in the source file at `url`. */
export async function defaultTags(url: URL, name: string): Promise<Record<string, unknown>> {
  const src = await Deno.readTextFile(url);
  const start = src.indexOf(`export interface ${name} {`);
  const block = src.slice(start, src.indexOf("\n}", start));
  return Object.fromEntries(
    [...block.matchAll(/@default (.+?)\s*\*\/\s*\n\s+(\w+):/g)].map((m) => [m[2]!, JSON.parse(m[1]!)]),
  );
}
