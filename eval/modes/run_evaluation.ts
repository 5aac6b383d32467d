/**
 * One evaluation pass (DESIGN §3, issue 4): a model on a dataset in any of the modes `point`, `box`,
 * `auto`, `detbox`, with one record per mode appended to a run store.
 *
 * Order of work, so that bad input fails before anything runs: options → dataset → detections file →
 * model (hashes, `quant.json`, and for a quantized model the training-op gate on its graphs,
 * `check_evaluated_graphs.ts`) → record keys; modes whose key is already in the store are skipped (resume
 * at mode granularity). Then one pass over the images: each image is decoded and encoded once and given
 * to every pending mode (point, box, detbox, then auto — the AMG may encode crops, so it runs last). A
 * mode with an image limit (`autoLimit`) finishes, and its record is appended, as soon as it has seen its
 * images; the others are finished and appended at the end of the pass. A run that fails half-way keeps
 * the records appended so far.
 *
 * Timing per mode: `encodeMs` = encoder time of its images (shared across modes), `decodeMs` = its prompt
 * decoding, `wallMs` = encodeMs + all of its own time (decoding, metrics, COCOeval), `imagesPerSec` =
 * images / wallMs — the throughput the mode would have on its own.
 *
 * @module
 */
import { openDataset } from "../../datasets/open_dataset.ts";
import type { Dataset, Sample } from "../../datasets/dataset.ts";
import { type Detection, loadDetections } from "../../datasets/prompts/load_detections.ts";
import { type ExecutionProvider, resolveExecutionProvider } from "../../runtime/execution_provider.ts";
import { loadModelDir, type SamModelDir } from "../../sam/model_dir.ts";
import { SamPredictor } from "../../sam/predictor.ts";
import { type MultimaskDecoder, openMultimaskDecoder } from "../../sam/amg/generate_multimask_decoder.ts";
import { invariant, SamqError } from "../../util/errors.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { sha256File } from "../../util/hash.ts";
import type { RunStore } from "../../records/run_store.ts";
import { buildEvalRecord, type EvalRecord, type ModeMetrics } from "../record.ts";
import { describeEvalEnv, type EvalEnv } from "../record_env.ts";
import { evalRecordKey } from "../record_key.ts";
import { describeEvalModel, type EvalModelDescription } from "../record_model.ts";
import { checkEvaluatedGraphs } from "../check_evaluated_graphs.ts";
import { createAutoModeRunner } from "./auto_mode.ts";
import { createDetboxModeRunner } from "./detbox_mode.ts";
import {
  type EvalMode,
  type EvalOptions,
  type EvalOptionsInput,
  resolveEvalOptions,
} from "./eval_options.ts";
import { createImageContext } from "./create_image_context.ts";
import type { ModeRunner } from "./mode_runner.ts";
import { createPromptModeRunner } from "./prompt_mode.ts";

/** Progress events of {@link runEvaluation}. */
export type EvalProgress =
  | { kind: "skip"; mode: EvalMode; label: string; key: string }
  | { kind: "start"; images: number; labels: string[]; ep: string }
  | { kind: "step"; index: number; images: number; detail: string }
  | {
    kind: "image";
    index: number;
    images: number;
    imageId: number;
    fileName: string;
    /** Mode label → short summary ("7 obj", "45 masks"). */
    summaries: Record<string, string>;
    ms: number;
  }
  | { kind: "record"; record: EvalRecord; appended: boolean };

/** Side effects of {@link runEvaluation}. */
export interface EvalHooks {
  /** Store to skip finished modes and append records to; none = records are only returned. */
  store?: RunStore<EvalRecord>;
  /** Progress callback (the CLI prints it). */
  progress?: (event: EvalProgress) => void;
  /** Command line recorded in each record. */
  command?: string | null;
}

/** Result of {@link runEvaluation}. */
export interface EvalRunResult {
  /** One record per requested mode, in mode order (new or found in the store). */
  records: EvalRecord[];
  /** Modes evaluated in this run. */
  evaluated: EvalMode[];
  /** Modes skipped because the store had their record. */
  skipped: EvalMode[];
}

interface Pending {
  runner: ModeRunner;
  key: string;
  images: number;
  objects: number;
  encodeMs: number;
  ownMs: number;
  done: boolean;
}

interface Plan {
  o: EvalOptions;
  dataset: Dataset;
  model: SamModelDir;
  desc: EvalModelDescription;
  runners: ModeRunner[];
}

async function plan(
  model: string | SamModelDir,
  data: string | Dataset,
  input: EvalOptionsInput,
): Promise<Plan> {
  const o = resolveEvalOptions(input);
  let dataset: Dataset;
  if (typeof data === "string") {
    dataset = await openDataset(data, { limit: o.limit });
  } else {
    dataset = data;
    const limit = data.describe().limit;
    if (o.limit !== null && o.limit !== limit) {
      throw new SamqError(
        "invalid_argument",
        `Cannot evaluate "${data.name}": the dataset was opened with limit ${limit}, not ${o.limit}`,
        { field: "limit" },
      );
    }
    o.limit = limit;
  }
  let detections: Map<number, Detection[]> | null = null;
  let detectionsSha256: string | null = null;
  const detPath = o.prompt.detections;
  if (o.modes.includes("detbox") && detPath !== null) {
    detections = await loadDetections(detPath, dataset.imageIds, {
      scoreThreshold: o.prompt.detScoreThreshold,
      topK: o.prompt.detTopK,
    });
    detectionsSha256 = await sha256File(detPath);
  }
  const modelDir = typeof model === "string" ? await loadModelDir(model) : model;
  await checkBoxPrompts(modelDir, o.modes);
  const desc = await describeEvalModel(modelDir);
  if (desc.info.quant) desc.info.quant.evaluatedGraphs = await checkEvaluatedGraphs(modelDir);
  const byMode: Record<EvalMode, () => ModeRunner> = {
    point: () => createPromptModeRunner("point", o.prompt),
    box: () => createPromptModeRunner("box", o.prompt),
    detbox: () =>
      createDetboxModeRunner(dataset, {
        prompt: o.prompt,
        detections,
        detectionsSha256,
        detboxMask: o.detboxMask,
      }),
    auto: () => createAutoModeRunner(dataset, { amg: o.amg, autoLimit: o.autoLimit, autoScore: o.autoScore }),
  };
  // Processing order within an image: the AMG last (it may encode crops and evict the image's embedding).
  const order: EvalMode[] = ["point", "box", "detbox", "auto"];
  const runners = order.filter((m) => o.modes.includes(m)).map((m) => byMode[m]());
  return { o, dataset, model: modelDir, desc, runners };
}

/** HF-layout decoders take boxes only when exported with `input_boxes` (spec §A2.3): refuse early. */
async function checkBoxPrompts(model: SamModelDir, modes: readonly EvalMode[]): Promise<void> {
  const boxModes = modes.filter((m) => m === "box" || m === "detbox");
  if (model.config.format !== "hf" || boxModes.length === 0) return;
  const graph = (await readModel(model.decoderPath)).graph;
  if (!graph.inputs.some((t) => t.name === "input_boxes")) {
    throw new SamqError(
      "invalid_model",
      `Cannot evaluate ${
        boxModes.join(" and ")
      } mode with "${model.dir}": its HF-layout decoder has no "input_boxes" input (export it with boxes, or run --modes point,auto)`,
      { path: model.decoderPath, field: "input_boxes" },
    );
  }
}

/**
 * Evaluates a model on a dataset in the requested modes.
 *
 * @param model Installed model name, folder path, or a loaded model folder.
 * @param data Dataset spec (`openDataset`) or an opened dataset.
 * @param options Modes, limits and protocol options (see `EvalOptions`).
 * @param hooks Run store, progress callback, command line.
 * @returns The records of the requested modes and what was evaluated or skipped.
 * @throws {SamqError} for bad options, missing data or model, malformed detections, before any work.
 */
export async function runEvaluation(
  model: string | SamModelDir,
  data: string | Dataset,
  options: EvalOptionsInput = {},
  hooks: EvalHooks = {},
): Promise<EvalRunResult> {
  const p = await plan(model, data, options);
  const { o, dataset, desc } = p;
  const base = {
    model: desc.info,
    method: desc.method,
    bits: desc.bits,
    seed: o.seed,
    dataset: { spec: dataset.name, hash: dataset.hash, limit: o.limit },
  };
  const found = new Map<EvalMode, EvalRecord>();
  const pending: Pending[] = [];
  for (const runner of p.runners) {
    const key = evalRecordKey({ ...base, mode: runner.mode, protocol: runner.protocol });
    const stored = hooks.store?.get(key);
    if (stored) {
      found.set(runner.mode, stored);
      hooks.progress?.({ kind: "skip", mode: runner.mode, label: runner.label, key });
    } else {
      pending.push({ runner, key, images: 0, objects: 0, encodeMs: 0, ownMs: 0, done: false });
    }
  }
  const fresh = pending.length
    ? await evaluatePending(p, pending, base, hooks)
    : new Map<EvalMode, EvalRecord>();
  const records = o.modes.map((m) => (fresh.get(m) ?? found.get(m))!);
  return { records, evaluated: [...fresh.keys()], skipped: [...found.keys()] };
}

/** The identity fields every record of the pass shares. */
type RecordBase = Pick<EvalRecord, "model" | "method" | "bits" | "seed"> & {
  dataset: { spec: string; hash: string; limit: number | null };
};

/** What the steps of one pass share. */
interface Pass {
  p: Plan;
  base: RecordBase;
  hooks: EvalHooks;
  env: EvalEnv;
  predictor: SamPredictor;
  multimask: MultimaskDecoder | null;
  /** Images the pass reads (the largest limit of its modes). */
  images: number;
}

/**
 * Runs the pending modes in one pass over the dataset: open the models, evaluate each image with every
 * active mode, finish a mode as soon as it has its images (then its record is appended), finish the rest
 * at the end.
 */
async function evaluatePending(
  p: Plan,
  pending: Pending[],
  base: RecordBase,
  hooks: EvalHooks,
): Promise<Map<EvalMode, EvalRecord>> {
  const ep = await resolveExecutionProvider(p.o.ep);
  const out = new Map<EvalMode, EvalRecord>();
  const predictor = await SamPredictor.open(p.model, { ep: ep.ep });
  let multimask: MultimaskDecoder | null = null;
  try {
    multimask = await openMultimask(p, pending, predictor, ep.ep);
    const total = p.dataset.imageIds.length;
    const images = Math.max(
      ...pending.map((q) => (q.runner.imageLimit === null ? total : Math.min(total, q.runner.imageLimit))),
    );
    const pass: Pass = { p, base, hooks, env: describeEvalEnv(ep), predictor, multimask, images };
    const finish = async (q: Pending) => {
      const record = finishMode(q, pass);
      if (hooks.store) await hooks.store.append(record);
      out.set(q.runner.mode, record);
      hooks.progress?.({ kind: "record", record, appended: hooks.store !== undefined });
    };
    hooks.progress?.({ kind: "start", images, labels: pending.map((q) => q.runner.label), ep: ep.ep });
    let index = 0;
    for await (const sample of p.dataset.samples()) {
      const active = pending.filter((q) => !q.done);
      if (active.length === 0) break;
      await evaluateSample(sample, index, active, pass);
      index++;
      for (const q of active) {
        if (q.runner.imageLimit !== null && q.images >= q.runner.imageLimit) await finish(q);
      }
    }
    for (const q of pending) if (!q.done) await finish(q);
  } finally {
    await multimask?.release();
    await predictor.release();
  }
  return out;
}

/** The all-token decoder, opened only when a pending mode needs it (auto, detbox). */
async function openMultimask(
  p: Plan,
  pending: readonly Pending[],
  predictor: SamPredictor,
  ep: ExecutionProvider,
): Promise<MultimaskDecoder | null> {
  if (!pending.some((q) => q.runner.mode === "auto" || q.runner.mode === "detbox")) return null;
  const decoderSha256 = p.desc.info.sha256[p.model.config.files.decoder];
  return await openMultimaskDecoder(predictor, { ep, ...(decoderSha256 ? { decoderSha256 } : {}) });
}

/** Encodes one image once and hands it to every active mode, charging each its own time. */
async function evaluateSample(sample: Sample, index: number, active: readonly Pending[], pass: Pass) {
  const { predictor, hooks, images } = pass;
  const tImage = performance.now();
  const image = await sample.readImage();
  const enc0 = predictor.encodeMs;
  await predictor.setImage(image);
  const encodeMs = predictor.encodeMs - enc0;
  const ctx = createImageContext(
    sample,
    image,
    predictor,
    pass.multimask,
    (detail) => hooks.progress?.({ kind: "step", index, images, detail }),
  );
  const summaries: Record<string, string> = {};
  for (const q of active) {
    const t0 = performance.now();
    summaries[q.runner.label] = await q.runner.processImage(ctx);
    q.ownMs += performance.now() - t0;
    q.encodeMs += encodeMs;
    q.images++;
    q.objects += sample.objects.length;
  }
  hooks.progress?.({
    kind: "image",
    index,
    images,
    imageId: sample.imageId,
    fileName: sample.fileName,
    summaries,
    ms: performance.now() - tImage,
  });
}

/** Turns a mode's state into its record (the key was computed before the pass and must match). */
function finishMode(q: Pending, pass: Pass): EvalRecord {
  const t0 = performance.now();
  const outcome = q.runner.finish();
  q.ownMs += performance.now() - t0;
  q.done = true;
  const wallMs = q.encodeMs + q.ownMs;
  const { base } = pass;
  const record = buildEvalRecord({
    ...base,
    dataset: { ...base.dataset, name: pass.p.dataset.describe().name, images: q.images, objects: q.objects },
    // The outcome pairs mode and metrics already; the cast only restates that pairing.
    ...({ mode: outcome.mode, metrics: outcome.metrics } as ModeMetrics),
    label: q.runner.label,
    protocol: q.runner.protocol,
    counts: outcome.counts,
    timing: {
      wallMs,
      encodeMs: q.encodeMs,
      decodeMs: outcome.decodeMs,
      imagesPerSec: wallMs > 0 ? q.images / (wallMs / 1000) : 0,
    },
    env: pass.env,
    createdAt: new Date().toISOString(),
    command: pass.hooks.command ?? null,
  });
  invariant(record.key === q.key, "the record's key must be the one looked up before the pass");
  return record;
}
