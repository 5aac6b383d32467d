/**
 * The training loop of learned quantization: ONNX Runtime computes the loss and gradients of a gradient
 * graph (`buildGradientGraph`), the host applies Adam. Per update t (0-based) of T:
 *
 * 1. take batch t (feeds for the graph's non-parameter inputs);
 * 2. run the graph with the current parameters → loss, ∂loss/∂p; stop with an error naming the step and
 *    the parameter if any of them is NaN or ±∞;
 * 3. for each parameter: g ← gradScale·g (LSQ's g = 1/√(N·Q_P), `lsqGradScale`), Adam step with
 *    lr = group lr × schedule factor(t), then the group's projection hook (e.g. Δ ← max(|Δ|, ε));
 * 4. every `checkpoint.every` updates and at the end, write the checkpoint atomically.
 *
 * With a checkpoint file present, `train` resumes from it: parameters, Adam moments, step and loss
 * history are restored bit for bit, batches before the step are skipped (an iterable is advanced, a
 * function is called only from the resumed step), so the result equals an uninterrupted run.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { exists, writeFileAtomic } from "../../util/fs.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import type { SessionOptions } from "../../runtime/session.ts";
import type { ProjectionHook } from "./abs_min_projection.ts";
import {
  type AdamMoments,
  type AdamOptions,
  adamUpdate,
  createAdamMoments,
  resolveAdamOptions,
} from "./adam.ts";
import { type Feeds, GradientRunner } from "./gradient_runner.ts";
import { lrFactor, type LrSchedule, resolveLrSchedule } from "./lr_schedule.ts";
import { decodeTrainCheckpoint, encodeTrainCheckpoint, type TrainParam } from "./train_checkpoint.ts";

/** Batches: consumed in order (one per update), or a function giving the feeds of update t. */
export type BatchSource = AsyncIterable<Feeds> | Iterable<Feeds> | ((t: number) => Feeds | Promise<Feeds>);

/** Parameters sharing optimizer settings; unset fields fall back to `TrainOptions.optimizer`. */
export interface ParamGroup extends Partial<AdamOptions> {
  /** Parameter names (each in at most one group). */
  params: readonly string[];
  /** Applied in place to each parameter of the group after every update. */
  project?: ProjectionHook;
}

/** One update done. */
export interface TrainProgress {
  /** Updates completed (1-based). */
  step: number;
  steps: number;
  /** Loss before this update. */
  loss: number;
  /** The schedule factor used by this update. */
  lrFactor: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The gradient graph (a session is created and released), or a runner the caller owns. */
  gradient: Graph | GradientRunner;
  /** Initial values of the parameters to learn (graph inputs; not modified). */
  params: Readonly<Record<string, TrainParam>>;
  batches: BatchSource;
  /** Number of updates T. */
  steps: number;
  /** Adam settings for every parameter not overridden by a group. @default ADAM_DEFAULTS */
  optimizer?: Partial<AdamOptions>;
  /** Per-group settings (learning rate, betas, eps, weight decay, projection). @default [] */
  groups?: readonly ParamGroup[];
  /** Learning-rate schedule. @default LR_SCHEDULE_DEFAULTS (cosine, no warm-up, to 0) */
  schedule?: Partial<LrSchedule>;
  /** Gradient multipliers by parameter (LSQ's g); absent parameters use 1. @default {} */
  gradScales?: Readonly<Record<string, number>>;
  /** Checkpoint file and interval in updates; an existing file is resumed from. @default none */
  checkpoint?: { path: string; every: number };
  /** Session options when `gradient` is a graph. @default CPU */
  session?: SessionOptions;
  /** Called after every update. */
  progress?: (p: TrainProgress) => void;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** Learned parameters. */
  params: Record<string, TrainParam>;
  /** Loss of every update, in order (including those before a resume). */
  losses: Float64Array;
  /** The step this call resumed from (0 for a fresh run). */
  resumedFrom: number;
}

interface Slot {
  name: string;
  adam: AdamOptions;
  project: ProjectionHook | undefined;
  gradScale: number;
}

/**
 * Learns `params` by Adam on the loss of the gradient graph (see the module doc).
 *
 * @throws {SamqError} `invalid_argument` for bad options, a non-finite loss, gradient or parameter
 * (naming the parameter and step), running out of batches, or a checkpoint that does not match the run.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { steps, checkpoint } = options;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new SamqError("invalid_argument", `Cannot train for ${steps} steps: expected a positive integer`, {
      field: "steps",
    });
  }
  if (checkpoint !== undefined && !(Number.isInteger(checkpoint.every) && checkpoint.every >= 1)) {
    throw new SamqError("invalid_argument", `Cannot checkpoint every ${checkpoint.every} steps`, {
      field: "checkpoint.every",
    });
  }
  const slots = resolveSlots(options);
  const schedule = resolveLrSchedule(options.schedule, steps);
  let params: Record<string, TrainParam> = {};
  let moments: Record<string, AdamMoments> = {};
  for (const [name, p] of Object.entries(options.params)) {
    params[name] = { data: p.data.slice(), dims: [...p.dims] };
    moments[name] = createAdamMoments(p.data.length);
  }
  let losses: number[] = [];
  let step = 0;
  if (checkpoint !== undefined && (await exists(checkpoint.path))) {
    const c = decodeTrainCheckpoint(await Deno.readTextFile(checkpoint.path));
    checkResumable(c, params, steps, checkpoint.path);
    ({ params, moments, step } = c);
    losses = Array.from(c.losses);
  }
  const resumedFrom = step;
  const save = async () => {
    if (checkpoint === undefined) return;
    const text = encodeTrainCheckpoint({ step, steps, params, moments, losses: Float64Array.from(losses) });
    await writeFileAtomic(checkpoint.path, text);
  };
  const runner = options.gradient instanceof Graph
    ? await GradientRunner.create(options.gradient, options.session)
    : options.gradient;
  try {
    const next = batchReader(options.batches, step);
    for (; step < steps;) {
      const t = step;
      const { loss, grads } = await runner.run(params, await next(t));
      if (!Number.isFinite(loss)) throw nonFinite(`the loss is ${loss}`, t, "loss");
      const factor = lrFactor(schedule, t, steps);
      for (const slot of slots) {
        const p = params[slot.name]!;
        const g = grads[slot.name]!;
        const bad = firstNonFinite(g);
        if (bad >= 0) {
          throw nonFinite(`the gradient of "${slot.name}" is ${g[bad]} at element ${bad}`, t, slot.name);
        }
        const scaled = slot.gradScale === 1 ? g : Float64Array.from(g, (v) => v * slot.gradScale);
        adamUpdate(p.data, scaled, moments[slot.name]!, t + 1, slot.adam.lr * factor, slot.adam);
        slot.project?.(p.data);
        const badP = firstNonFinite(p.data);
        if (badP >= 0) {
          throw nonFinite(`"${slot.name}" became ${p.data[badP]} at element ${badP}`, t, slot.name);
        }
      }
      losses.push(loss);
      step = t + 1;
      options.progress?.({ step, steps, loss, lrFactor: factor });
      if (checkpoint !== undefined && step % checkpoint.every === 0 && step < steps) await save();
    }
    await save();
  } finally {
    if (runner !== options.gradient) await runner.release();
  }
  return { params, losses: Float64Array.from(losses), resumedFrom };
}

function resolveSlots(options: TrainOptions): Slot[] {
  const base = resolveAdamOptions(options.optimizer);
  const names = Object.keys(options.params);
  if (names.length === 0) {
    throw new SamqError("invalid_argument", "Cannot train: no parameters", { field: "params" });
  }
  const groupOf = new Map<string, number>();
  (options.groups ?? []).forEach((grp, i) => {
    for (const name of grp.params) {
      if (!(name in options.params)) {
        throw new SamqError("invalid_argument", `Cannot use group ${i}: "${name}" is not a parameter`, {
          field: `groups[${i}].params`,
        });
      }
      if (groupOf.has(name)) {
        throw new SamqError(
          "invalid_argument",
          `Cannot use group ${i}: "${name}" is already in group ${groupOf.get(name)}`,
          {
            field: `groups[${i}].params`,
          },
        );
      }
      groupOf.set(name, i);
    }
  });
  for (const [name, g] of Object.entries(options.gradScales ?? {})) {
    if (!(name in options.params) || !(Number.isFinite(g) && g > 0)) {
      throw new SamqError("invalid_argument", `Cannot use gradient scale ${g} for "${name}"`, {
        field: `gradScales.${name}`,
      });
    }
  }
  return names.map((name) => {
    const i = groupOf.get(name);
    const grp = i === undefined ? undefined : options.groups![i]!;
    const { params: _p, project, ...overrides } = grp ?? { params: [] };
    const adam = grp === undefined ? base : resolveAdamOptions({ ...base, ...overrides }, `groups[${i}]`);
    return { name, adam, project, gradScale: options.gradScales?.[name] ?? 1 };
  });
}

function checkResumable(
  c: ReturnType<typeof decodeTrainCheckpoint>,
  params: Record<string, TrainParam>,
  steps: number,
  path: string,
) {
  const mismatch = (what: string) =>
    new SamqError("invalid_argument", `Cannot resume from "${path}": ${what}`, {
      path,
      field: "checkpoint.path",
    });
  if (c.steps !== steps) throw mismatch(`it is for ${c.steps} steps, this run has ${steps}`);
  const want = Object.keys(params).sort().join(",");
  const got = Object.keys(c.params).sort().join(",");
  if (want !== got) throw mismatch(`it has parameters [${got}], this run [${want}]`);
  for (const [name, p] of Object.entries(params)) {
    const q = c.params[name]!;
    if (q.dims.join() !== p.dims.join() || q.data.constructor !== p.data.constructor) {
      throw mismatch(`parameter "${name}" has another shape or dtype`);
    }
  }
}

function batchReader(source: BatchSource, skip: number): (t: number) => Promise<Feeds> {
  if (typeof source === "function") return async (t) => await source(t);
  const it: AsyncIterator<Feeds> | Iterator<Feeds> = Symbol.asyncIterator in source
    ? (source as AsyncIterable<Feeds>)[Symbol.asyncIterator]()
    : (source as Iterable<Feeds>)[Symbol.iterator]();
  let consumed = 0;
  return async (t) => {
    for (;;) {
      const r = await it.next();
      if (r.done) {
        throw new SamqError(
          "invalid_argument",
          `Cannot train: the batches ran out after ${consumed} (update ${t + 1} needs one)`,
          {
            field: "batches",
          },
        );
      }
      consumed++;
      if (consumed > skip) return r.value;
    }
  };
}

function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
  return -1;
}

function nonFinite(what: string, t: number, field: string): SamqError {
  return new SamqError("invalid_argument", `Cannot train: ${what} at step ${t + 1}`, { field });
}
