/**
 * Executes a plan through injected executors, resuming where a previous run stopped.
 *
 * Phases, in order:
 * 1. **Pending work.** A mode of an evaluate job is pending when the store has no record with its key; a
 *    job runs with its pending modes only. A quantize job is needed when a pending job uses its model.
 * 2. **Quantize.** A needed job whose model folder exists is reused. Otherwise the executor writes the
 *    model into a staging folder of this process (`<cache>/.staging-<pid>/<key>`); the runner adds
 *    `bench-quantize.json` (key, wall time) and renames it into place when complete. A crash (kill -9
 *    included) leaves only the staging folder, never a half-written model. When another process renamed
 *    the same key into place first, this copy is discarded (same key, same model).
 * 3. **Evaluate.** Each record is appended to the store as soon as the executor hands it over, so an
 *    interruption loses at most the modes in flight.
 *
 * Record keys. The evaluation runner keys a record by the hashes of the evaluated files, which for a
 * quantized model exist only after quantization (and `quant.json` holds a wall time). The plan's key is
 * known before any work, so the runner stamps each record: `key` becomes the job key (what resume looks
 * up), the evaluation's own key moves to `bench.recordKey`, and `bench` also carries the method variant
 * (`options`, `gridPoint`) and the quantize key, which the report needs for ablation tables.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { invariant } from "../util/errors.ts";
import { exists, writeFileAtomic } from "../util/fs.ts";
import type { JsonValue } from "./_canonical_json.ts";
import type { BenchProgress } from "./progress.ts";
import type { BenchPlan, EvalJob, EvalModeJob, QuantizeJob } from "./plan.ts";
import type { RecordLike, RunStoreLike } from "./store_like.ts";

/** What executors get besides the job. */
export interface ExecContext {
  /** The bench command line, for the record's `command` field. */
  command: string;
}

/** What the quantize executor gets besides the job. */
export interface QuantizeContext extends ExecContext {
  /**
   * Empty folder to write the model directory into: `<cache>/.staging-<pid>/<key>` (same base name as
   * `job.modelDir`), renamed to `job.modelDir` when the executor returns.
   */
  outDir: string;
}

/** What a quantize executor may report. */
export interface QuantizeOutcome {
  /** Quantization wall time as the quantizer measured it (default: the runner's measurement). */
  wallTimeMs?: number;
}

/** File the runner adds to each model it builds (the quantize key and the wall time). */
export const BENCH_QUANTIZE_FILE = "bench-quantize.json";

/** What the evaluate executor gets besides the job. */
export interface EvaluateContext extends ExecContext {
  /**
   * Hands over the record of one mode as soon as it exists (it is stamped and appended at once, so a
   * crash later in the pass keeps it).
   */
  emit(record: RecordLike): Promise<void>;
}

/** The work itself (the CLI binds the real quantizer and evaluation runner; tests bind fakes). */
export interface BenchExecutors {
  /** Writes the quantized model directory (`sam.json`, ONNX files, `quant.json`) into `ctx.outDir`. */
  quantize(job: QuantizeJob, ctx: QuantizeContext): Promise<QuantizeOutcome | void>;
  /**
   * Evaluates `job.modelDir` on `job.datasetSpec` in the modes of `job.modes` (only the pending ones are
   * passed) and gives one record per mode, through `ctx.emit` or as the returned list (records already
   * emitted are not appended twice). Saves qualitative overlays into each mode's `figuresDir` when
   * `job.qualitative > 0`.
   */
  evaluate(job: EvalJob, ctx: EvaluateContext): Promise<RecordLike[] | void>;
}

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  executors: BenchExecutors;
  store: RunStoreLike;
  /** The command line recorded with each record. */
  command: string;
  /**
   * Progress events.
   * @default no display
   */
  progress?: BenchProgress;
  /**
   * Remove leftover temporary model folders of killed runs before starting (only safe when no other
   * process shares the model cache).
   * @default false
   */
  cleanStaleTemps?: boolean;
  /**
   * Evaluate each quantized model right after it is built (float first) instead of building every model
   * before the first evaluation: a run cut off by a time slot keeps whole rows rather than unevaluated
   * models. Same records either way.
   * @default false
   */
  interleave?: boolean;
}

/** What a run did. */
export interface RunBenchSummary {
  /** Quantized models built now. */
  quantized: number;
  /** Quantized models found in the cache. */
  reused: number;
  /** Quantize jobs not needed (all their evaluations are already in the store). */
  unneeded: number;
  /** Records appended now. */
  evaluated: number;
  /** Records skipped because they exist. */
  skipped: number;
}

const STAGING = ".staging-";

function labelOf(job: QuantizeJob | EvalJob): string {
  const opts = Object.entries(job.variant.gridPoint).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const method = opts.length === 0 ? job.variant.method : `${job.variant.method}[${opts.join(",")}]`;
  const what = `${job.model.name} ${method} ${job.bits}`;
  return job.kind === "quantize"
    ? what
    : `${what} ${job.datasetSpec} ${job.modes.map((m) => m.mode).join("+")}`;
}

async function removeStaleTemps(plan: BenchPlan): Promise<void> {
  for (const dir of new Set(plan.quantize.map((q) => dirname(q.modelDir)))) {
    if (!(await exists(dir))) continue;
    for await (const e of Deno.readDir(dir)) {
      if (e.name.startsWith(STAGING)) await Deno.remove(join(dir, e.name), { recursive: true });
    }
  }
}

async function runQuantizeJob(job: QuantizeJob, executors: BenchExecutors, command: string): Promise<void> {
  const staging = join(dirname(job.modelDir), `${STAGING}${Deno.pid}`);
  const tmp = join(staging, basename(job.modelDir));
  await Deno.remove(tmp, { recursive: true }).catch(() => undefined);
  await Deno.mkdir(tmp, { recursive: true });
  const t0 = performance.now();
  try {
    const outcome = await executors.quantize(job, { command, outDir: tmp });
    const measuredMs = performance.now() - t0;
    const info = { key: job.key, wallTimeMs: outcome?.wallTimeMs ?? measuredMs, measuredMs };
    await writeFileAtomic(join(tmp, BENCH_QUANTIZE_FILE), JSON.stringify(info) + "\n");
  } catch (e) {
    await Deno.remove(staging, { recursive: true }).catch(() => undefined);
    throw e;
  }
  try {
    await Deno.rename(tmp, job.modelDir);
  } catch (e) {
    // Another process renamed the same key into place first: its model is the same one.
    if (!(await exists(job.modelDir))) throw e;
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => undefined);
  }
}

async function quantWallTimeMs(job: EvalJob): Promise<number | null> {
  if (job.quantizeKey === null) return null;
  try {
    const info = JSON.parse(await Deno.readTextFile(join(job.modelDir, BENCH_QUANTIZE_FILE)));
    return typeof info.wallTimeMs === "number" ? info.wallTimeMs : null;
  } catch {
    return null; // a model built outside the bench: the report falls back to quant.json
  }
}

/** The bench's part of a stored record (see the module doc). */
export interface BenchRecordStamp {
  /** Name of the float model (a quantized model's own `sam.json` name is its cache key). */
  model: string;
  /** The key the evaluation runner gave the record. */
  recordKey: string;
  /** The evaluate job (pass) key. */
  jobKey: string;
  /** Quantize job key, or null for the float model. */
  quantizeKey: string | null;
  /** The method variant's options (defaults, fixed options, grid point). */
  options: Record<string, JsonValue>;
  /** The grid point alone. */
  gridPoint: Record<string, JsonValue>;
  /** Quantization wall time (ms) from the runner's `bench-quantize.json`; null for float or unknown. */
  quantWallTimeMs: number | null;
}

/** Gives the record of one mode of `job` the mode's key and the bench stamp. */
export function stampRecord(
  record: RecordLike,
  job: EvalJob,
  mode: EvalModeJob,
  quantWallTimeMs: number | null = null,
): RecordLike {
  const bench: BenchRecordStamp = {
    model: job.model.name,
    recordKey: record.key,
    jobKey: job.key,
    quantizeKey: job.quantizeKey,
    options: job.variant.options,
    gridPoint: job.variant.gridPoint,
    quantWallTimeMs,
  };
  return { ...record, key: mode.key, bench };
}

async function runEvaluateJob(
  job: EvalJob,
  executors: BenchExecutors,
  store: RunStoreLike,
  command: string,
): Promise<number> {
  const left = new Map(job.modes.map((m) => [m.mode as string, m]));
  const wallTime = await quantWallTimeMs(job);
  const emit = async (record: RecordLike) => {
    const mode = left.get(String(record.mode));
    invariant(
      mode !== undefined,
      `evaluate executor gave a record for mode "${record.mode}" not pending in ${job.key}`,
    );
    left.delete(mode.mode);
    await store.append(stampRecord(record, job, mode, wallTime));
  };
  const returned = await executors.evaluate(job, { command, emit });
  for (const r of returned ?? []) if (left.has(String(r.mode))) await emit(r);
  invariant(left.size === 0, `evaluate executor gave no record for mode(s) ${[...left.keys()].join(", ")}`);
  return job.modes.length;
}

/**
 * Runs the plan's pending work.
 *
 * @param plan The (possibly sharded) plan.
 * @param options Executors, store, command line, progress.
 * @returns Counts of what was done and skipped.
 * @throws Whatever an executor throws (the store keeps every record appended before it).
 *
 * @example Usage
 * ```ts ignore
 * const summary = await runBench(plan, { executors, store, command: "deno task bench --config c.json" });
 * ```
 */
export async function runBench(plan: BenchPlan, options: RunBenchOptions): Promise<RunBenchSummary> {
  const { store, progress, cleanStaleTemps = false } = options;
  const pending: EvalJob[] = [];
  let skipped = 0;
  for (const job of plan.evaluate) {
    const modes: EvalModeJob[] = [];
    for (const m of job.modes) if (!(await store.has(m.key))) modes.push(m);
    skipped += job.modes.length - modes.length;
    if (modes.length > 0) pending.push({ ...job, modes });
  }
  const needed = new Set(pending.map((j) => j.quantizeKey));
  const summary: RunBenchSummary = { quantized: 0, reused: 0, unneeded: 0, evaluated: 0, skipped };
  if (cleanStaleTemps) await removeStaleTemps(plan);
  const build: QuantizeJob[] = [];
  for (const job of plan.quantize) {
    if (!needed.has(job.key)) summary.unneeded++;
    else if (await exists(job.modelDir)) summary.reused++;
    else build.push(job);
  }
  if (options.interleave) {
    await runInterleaved(plan, build, pending, summary, options);
    return summary;
  }
  progress?.phase("quantize", build.length);
  if (summary.reused + summary.unneeded > 0) {
    progress?.note(`quantize: ${summary.reused} cached, ${summary.unneeded} not needed`);
  }
  for (const job of build) {
    await buildModel(job, summary, options);
  }
  progress?.end();
  progress?.phase("evaluate", pending.length);
  if (summary.skipped > 0) progress?.note(`evaluate: ${summary.skipped} records already in the store`);
  for (const job of pending) {
    await evaluatePass(job, summary, options);
  }
  progress?.end();
  return summary;
}

/** Builds one quantized model, with its progress line. */
async function buildModel(job: QuantizeJob, summary: RunBenchSummary, o: RunBenchOptions): Promise<void> {
  const label = labelOf(job);
  o.progress?.start(label);
  await runQuantizeJob(job, o.executors, o.command);
  summary.quantized++;
  o.progress?.done(label);
}

/** Runs one evaluate pass, with its progress line. */
async function evaluatePass(job: EvalJob, summary: RunBenchSummary, o: RunBenchOptions): Promise<void> {
  const label = labelOf(job);
  o.progress?.start(label);
  summary.evaluated += await runEvaluateJob(job, o.executors, o.store, o.command);
  o.progress?.done(label);
}

/** Float evaluations, then per quantize job in plan order: build it when needed, evaluate it. */
async function runInterleaved(
  plan: BenchPlan,
  build: readonly QuantizeJob[],
  pending: readonly EvalJob[],
  summary: RunBenchSummary,
  options: RunBenchOptions,
): Promise<void> {
  const { progress } = options;
  const toBuild = new Set(build.map((j) => j.key));
  const evals = async (key: string | null) => {
    for (const job of pending.filter((j) => j.quantizeKey === key)) {
      await evaluatePass(job, summary, options);
    }
  };
  progress?.phase("quantize + evaluate", build.length + pending.length);
  if (summary.skipped > 0) progress?.note(`evaluate: ${summary.skipped} records already in the store`);
  await evals(null);
  for (const job of plan.quantize) {
    if (toBuild.has(job.key)) {
      await buildModel(job, summary, options);
    }
    await evals(job.key);
  }
  progress?.end();
}
