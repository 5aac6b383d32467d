/**
 * `quantizeModel`: a float SAM model directory in, a quantized model directory out (DESIGN §2):
 *
 *     prepare (fold shapes, find patterns) → calibrate → fold → emit   (the method)
 *     → protocol check → audit (census, activity, folding, no training op)
 *     → write sam.json + ONNX + quant.json to a temp folder → rename
 *
 * The run follows a protocol (`protocols.ts`, default "pq-sam"): its weight granularity and calibration
 * count are the defaults of `granularity` and `n`; explicit options that contradict it are recorded as
 * deviations in `quant.json` (`protocol.deviations`), and quantized graphs that break it are refused
 * (`checkProtocol`).
 *
 * Nothing is half-written: the folder appears under its name only when complete. A failed audit is
 * recorded in `quant.json` and then raised as an error (the CLI exits 2), leaving the written folder
 * for inspection. Calibration images must be disjoint from the evaluation set (`openCalibrationSet`).
 *
 * @module
 */
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { decodeModel } from "../onnx/io/read_model.ts";
import { readModel } from "../onnx/io/read_model.ts";
import {
  EP_CHOICES,
  type EpChoice,
  type ExecutionProvider,
  resolveExecutionProvider,
} from "../runtime/execution_provider.ts";
import { loadModelDir, type SamModelDir } from "../sam/model_dir.ts";
import { assertModelFormat } from "../sam/assert_model_format.ts";
import { type AuditInput, auditQuantizedModel } from "./audit/audit_quantized_model.ts";
import {
  type CalibrationImage,
  type CalibrationSet,
  openCalibrationSet,
} from "./calibrate/calibration_set.ts";
import { NO_PROGRESS, type ProgressFn } from "./calibrate/progress.ts";
import { type PreparedModel, prepareSamModel } from "./graph/prepare_sam_model.ts";
import { type AnyMethod, getMethod } from "./methods/mod.ts";
import { bitsLabel, parseBits } from "../util/bits.ts";
import { timePhase } from "./methods/steps/time_phase.ts";
import {
  type BitWidths,
  GRANULARITIES,
  type Granularity,
  type QuantizedModel,
  type Scope,
  SCOPES,
} from "./methods/types.ts";
import type { QuantJson } from "./quant_json.ts";
import { assertCreatable, removeStaleSiblings, writeModelDir } from "./_quantized_dir.ts";
import { applyProtocol } from "./apply_protocol.ts";
import { resolveScope } from "./resolve_scope.ts";
import { checkProtocol } from "./check_protocol.ts";
import { DEFAULT_PROTOCOL, getProtocol, type ProtocolName, type QuantProtocol } from "./protocols.ts";
import { protocolRecord, type ProtocolRunFacts } from "./protocol_record.ts";
import denoJson from "../deno.json" with { type: "json" };

/** Options of {@link quantizeModel}. */
export interface QuantizeModelOptions {
  /** Installed model name or folder. */
  model: string;
  /** Method name (see `quantize/methods/mod.ts`). */
  method: string;
  /** `wXaY` or `{ w, a }`. */
  bits: string | BitWidths;
  /** Output folder (must not exist unless `force`). */
  out: string;
  /** Calibration dataset spec. @default "coco-tiny:train" */
  calib?: string;
  /** Evaluation protocol (`protocols.ts`). @default "pq-sam" */
  protocol?: ProtocolName;
  /** Calibration images (the first N); the protocol's count when it pins one (ptq4sam: 32). @default 32 */
  n?: number;
  /** Evaluation dataset to stay disjoint from; null: none. @default "coco-tiny:val" */
  evalData?: string | null;
  /**
   * Graphs to quantize; "auto" = both for the official layout, encoder otherwise (`resolveScope`: HF
   * decoders are quantized when asked for, SAM 2 decoders refused). @default "auto"
   */
  scope?: Scope | "auto";
  /** Weight granularity, shared by all compared methods; unset = the protocol's (pq-sam: per-tensor). */
  granularity?: Granularity;
  /** Also quantize the patch embedding, prompt encoder and output heads. @default false */
  includeFloatParts?: boolean;
  /** Seed of every random draw. @default 0 */
  seed?: number;
  /** Execution provider for calibration and audit. @default "cpu" */
  ep?: EpChoice;
  /** Prompted objects per calibration image (point + box each). @default 4 */
  promptsPerImage?: number;
  /** Calibration images the audit runs on. @default 2 */
  auditImages?: number;
  /** Method options (validated by the method). @default {} */
  methodOptions?: Record<string, unknown>;
  /** Replace an existing output folder. @default false */
  force?: boolean;
}

/** Defaults of {@link QuantizeModelOptions} (the required fields have none). */
export const QUANTIZE_MODEL_DEFAULTS = Object.freeze({
  calib: "coco-tiny:train",
  protocol: DEFAULT_PROTOCOL,
  n: 32,
  evalData: "coco-tiny:val" as string | null,
  scope: "auto" as Scope | "auto",
  includeFloatParts: false,
  seed: 0,
  ep: "cpu" as EpChoice,
  promptsPerImage: 4,
  auditImages: 2,
  force: false,
});

/** Resolved options. */
export type ResolvedQuantizeModelOptions =
  & Required<Omit<QuantizeModelOptions, "bits" | "methodOptions">>
  & { bits: BitWidths; methodOptions: Record<string, unknown>; evalDataRequired: boolean };

/** Merges the protocol's elements under the options the caller set (`n`, `granularity`). */
function protocolDefaults(o: QuantizeModelOptions): { n: number; granularity: Granularity } {
  const p = getProtocol(o.protocol ?? QUANTIZE_MODEL_DEFAULTS.protocol);
  return {
    n: o.n ?? p.calibration.n ?? QUANTIZE_MODEL_DEFAULTS.n,
    granularity: o.granularity ?? p.weights.granularity,
  };
}

/**
 * Merges the defaults and validates.
 *
 * @throws {SamqError} `invalid_argument` naming the option.
 */
export function resolveQuantizeModelOptions(o: QuantizeModelOptions): ResolvedQuantizeModelOptions {
  const r = {
    ...QUANTIZE_MODEL_DEFAULTS,
    ...protocolDefaults(o),
    methodOptions: {},
    ...stripUndefined(o),
    model: o.model,
    method: o.method,
    out: o.out,
    bits: o.bits,
  };
  const bad = (field: string, msg: string) => {
    throw new SamqError("invalid_argument", `Cannot quantize: option "${field}" ${msg}`, { field });
  };
  for (const f of ["model", "method", "out"] as const) if (!r[f]) bad(f, "is required");
  getMethod(r.method);
  getProtocol(r.protocol);
  const bits = typeof r.bits === "string" ? parseBits(r.bits) : parseBits(`w${r.bits?.w}a${r.bits?.a}`);
  if (r.scope !== "auto" && !(SCOPES as readonly string[]).includes(r.scope)) {
    bad("scope", `must be one of auto, ${SCOPES.join(", ")}`);
  }
  if (!(GRANULARITIES as readonly string[]).includes(r.granularity)) {
    bad("granularity", `must be one of ${GRANULARITIES.join(", ")}`);
  }
  if (!(EP_CHOICES as readonly string[]).includes(r.ep)) bad("ep", `must be one of ${EP_CHOICES.join(", ")}`);
  if (!Number.isInteger(r.seed)) bad("seed", "must be an integer");
  for (const f of ["n", "promptsPerImage", "auditImages"] as const) {
    if (!Number.isInteger(r[f]) || r[f] < 1) bad(f, "must be an integer >= 1");
  }
  return { ...r, bits, evalDataRequired: o.evalData !== undefined && o.evalData !== null };
}

/** Result of {@link quantizeModel}. */
export interface QuantizeModelResult {
  outDir: string;
  quant: QuantJson;
}

/**
 * Quantizes a model directory (see the module doc): resolve the options, open the source and the
 * calibration set, run the method, audit, write.
 *
 * @throws {SamqError} for bad options or data, calibration overlapping evaluation data, a graph without
 *   Linear layers, an existing output folder, or a failed audit (code `incompatible`, field "audit").
 */
export async function quantizeModel(
  options: QuantizeModelOptions,
  progress: ProgressFn = NO_PROGRESS,
): Promise<QuantizeModelResult> {
  const t0 = performance.now();
  const run = await resolveRun(options);
  const inputs = await openInputs(run.o);
  const timings: QuantJson["timingsMs"] = {};
  const result = await runMethod(run, inputs, timings, progress);
  const audit = await timePhase(timings, "audit", () => auditRun(run, inputs, result, progress));
  const quant = quantJsonOf(run, inputs, result, audit, timings);
  await writeRun(run, inputs, result, quant, timings, t0);
  progress({ phase: "write", done: 1, total: 1, detail: run.outDir });
  if (!audit.passed) {
    throw new SamqError(
      "incompatible",
      `Quantized model "${run.outDir}" failed the audit: ${audit.failures.join("; ")}`,
      {
        path: join(run.outDir, "quant.json"),
        field: "audit",
      },
    );
  }
  return { outDir: run.outDir, quant };
}

/** What {@link resolveRun} settles before any model or data is read. */
interface RunPlan {
  o: ResolvedQuantizeModelOptions;
  method: AnyMethod;
  methodOptions: Record<string, unknown>;
  outDir: string;
}

/** Step 1: options, the method and its options, and an output folder that may be written. */
async function resolveRun(options: QuantizeModelOptions): Promise<RunPlan> {
  const o = resolveQuantizeModelOptions(options);
  const method = getMethod(o.method);
  const methodOptions = method.resolveOptions(o.methodOptions);
  const outDir = resolve(o.out);
  if ((await exists(outDir)) && !o.force) {
    throw new SamqError(
      "invalid_argument",
      `Cannot write "${outDir}": it exists (use --force to replace it)`,
      {
        path: outDir,
        field: "out",
      },
    );
  }
  await assertCreatable(outDir);
  await removeStaleSiblings(outDir);
  return { o, method, methodOptions, outDir };
}

/** The source model, the scope it implies, the execution provider and the calibration set. */
interface RunInputs {
  source: SamModelDir;
  scope: Scope;
  ep: ExecutionProvider;
  calibration: CalibrationSet;
}

/** Step 2: opens the source model and the calibration set. */
async function openInputs(o: ResolvedQuantizeModelOptions): Promise<RunInputs> {
  const source = await loadModelDir(o.model);
  const scope = resolveScope(source.config.format, o.scope);
  await assertModelFormat(source);
  const ep = (await resolveExecutionProvider(o.ep)).ep;
  const calibration = await openCalibrationSet(o.calib, {
    n: o.n,
    evalData: o.evalData,
    evalDataRequired: o.evalDataRequired,
    promptsPerImage: o.promptsPerImage,
  });
  return { source, scope, ep, calibration };
}

/** What {@link runMethod} produced. */
interface MethodRun {
  prepared: PreparedModel;
  q: QuantizedModel;
  protocol: QuantProtocol;
  deviations: ProtocolRunFacts["deviations"];
  check: ProtocolRunFacts["check"];
}

/** Step 3: prepares the graphs, runs the method and checks the result against the protocol. */
async function runMethod(
  { o, method, methodOptions }: RunPlan,
  { source, scope, ep, calibration }: RunInputs,
  timings: QuantJson["timingsMs"],
  progress: ProgressFn,
): Promise<MethodRun> {
  const prepared = await timePhase(timings, "prepare", async () => {
    progress({ phase: "prepare", done: 0, total: 1, detail: source.dir });
    const p = await prepareSamModel(source);
    progress({ phase: "prepare", done: 1, total: 1 });
    return p;
  });
  const protocol = getProtocol(o.protocol);
  const run = applyProtocol(protocol, {
    granularity: o.granularity,
    n: o.n,
    calib: o.calib,
    includeFloatParts: o.includeFloatParts,
    scope,
  });
  const common = {
    bits: o.bits,
    granularity: o.granularity,
    scope,
    includeFloatParts: o.includeFloatParts,
    seed: o.seed,
    ep,
  };
  const q = await method.quantize(prepared, calibration, { ...common, method: methodOptions }, progress);
  Object.assign(timings, q.timings);
  const protocolCheck = checkProtocol({
    protocol,
    granularity: o.granularity,
    includeFloatParts: o.includeFloatParts,
    model: prepared,
    quantizedParts: q.quantizedParts,
    records: q.quantizers,
  });
  return {
    prepared,
    q,
    protocol,
    deviations: [...run.deviations, ...protocolCheck.deviations],
    check: protocolCheck.check,
  };
}

/**
 * The audit's input for a method's result: the quantized graphs, the source graphs as read from the
 * model's files, the folded float graphs and the quantizer records, checked on `images`.
 */
export async function auditInputOf(
  source: SamModelDir,
  prepared: PreparedModel,
  q: QuantizedModel,
  images: readonly CalibrationImage[],
): Promise<AuditInput> {
  return {
    config: source.config,
    quantized: { encoder: prepared.encoder.model.graph, decoder: prepared.decoder.model.graph },
    source: {
      encoder: (await readModel(source.encoderPath)).graph,
      decoder: (await readModel(source.decoderPath)).graph,
    },
    folded: Object.fromEntries(
      Object.entries(q.foldedFloat).map(([part, bytes]) => [part, decodeModel(bytes!).graph]),
    ),
    records: q.quantizers,
    images,
  };
}

/** Step 4: the audit of the quantized graphs against the source and the folded float graphs. */
async function auditRun(
  { o }: RunPlan,
  { source, ep, calibration }: RunInputs,
  { prepared, q }: MethodRun,
  progress: ProgressFn,
): Promise<QuantJson["audit"]> {
  const input = await auditInputOf(source, prepared, q, calibration.images.slice(0, o.auditImages));
  return await auditQuantizedModel(input, { ep, progress });
}

/** Step 5a: the `quant.json` record of the run (timings are completed when it is written). */
function quantJsonOf(
  { o, method, methodOptions }: RunPlan,
  { source, scope, ep, calibration }: RunInputs,
  { q, protocol, deviations, check }: MethodRun,
  audit: QuantJson["audit"],
  timings: QuantJson["timingsMs"],
): QuantJson {
  return {
    schema: 1,
    method: method.name,
    methodOptions: { ...methodOptions },
    bits: o.bits,
    bitsLabel: bitsLabel(o.bits),
    granularity: { weights: o.granularity, activations: "per-tensor" },
    protocol: protocolRecord(protocol, {
      granularity: o.granularity,
      images: calibration.images.length,
      deviations,
      check,
    }),
    scope,
    quantizedParts: q.quantizedParts,
    includeFloatParts: o.includeFloatParts,
    seed: o.seed,
    ep,
    source: { name: source.config.name, dir: source.dir, sha256: { ...source.config.sha256 } },
    calibration: {
      spec: calibration.spec,
      hash: calibration.hash,
      images: calibration.images.length,
      imageIds: calibration.images.map((i) => i.imageId),
      promptsPerImage: calibration.promptsPerImage,
      encoderRuns: q.calibration.encoderRuns,
      decoderRuns: q.calibration.decoderRuns,
      disjoint: calibration.disjoint,
    },
    quantizers: q.quantizers,
    folds: q.folds,
    timingsMs: timings,
    audit,
    versions: {
      samq: denoJson.version,
      onnxruntime: ort.env.versions.node ?? "unknown",
      deno: Deno.version.deno,
    },
    notes: q.notes,
  };
}

/** Step 5b: writes the folder (quantized graphs where the method quantized them, else the source files). */
async function writeRun(
  { o, outDir }: RunPlan,
  { source }: RunInputs,
  { prepared, q }: MethodRun,
  quant: QuantJson,
  timings: QuantJson["timingsMs"],
  t0: number,
): Promise<void> {
  const writeStart = performance.now();
  await writeModelDir(
    outDir,
    source.config,
    {
      encoder: q.quantizedParts.includes("encoder") ? prepared.encoder.model : source.encoderPath,
      decoder: q.quantizedParts.includes("decoder") ? prepared.decoder.model : source.decoderPath,
    },
    quant,
    o.force,
    () => {
      // Wall time up to the moment quant.json is serialized (the rename that follows takes microseconds).
      const now = performance.now();
      return { ...timings, write: now - writeStart, total: now - t0 };
    },
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
