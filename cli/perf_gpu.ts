/**
 * `deno task perf gpu` — the GPU-path benchmark of issue 12 (numbers, never assertions). On one model and
 * EP, in one process:
 *
 * - `enc`: the float encoder, median ms over `--reps` runs after `--warmup` (one seeded random image);
 * - `fq`: `minmax` W4A4 fake-quant encoder (quantized here, 2 synthetic calibration images), same timing,
 *   and its ratio to `enc` (target ≤ 1.3×);
 * - `repq`: `repq-vit` W4A4 quantization wall time on `--calib-n` synthetic images (target ≤ 2 min);
 * - `pqsam`: `pq-sam` W4A4 for `--steps` end-to-end steps: steady-state s/step (quantize/train/step_clock.ts)
 *   and the projection to the paper's schedule (100 epochs × 100 images = 10,000 steps);
 * - `qdrop`: `qdrop` W4A4 on the encoder for `--steps` steps per block: median steady s/step per block and
 *   the projection to 20,000 steps × blocks.
 *
 * With `--torch FILE` (tools/torch_sam_timing.py's JSON from the same host and run), every line carries its
 * ratio to the PyTorch baseline: encoder fp32/TF32 for `enc`, fake-quant forward for `fq`, LSQ train step for
 * `pqsam`, one block's train step for `qdrop`.
 *
 *   deno task perf gpu --model sam-b-random [--ep cuda] [--only enc,fq,repq,pqsam,qdrop] [--reps 20]
 *                      [--warmup 3] [--steps 4] [--calib-n 32] [--torch torch.json] [--json-out F]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type * as ort from "onnxruntime-node";
import { SamqError } from "../util/errors.ts";
import { logLine } from "../util/cli.ts";
import { intFlag } from "./_perf_common.ts";
import { createPrng } from "../util/prng.ts";
import { parseEpChoice, resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { createSession, floatTensor } from "../runtime/session.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { quantizeModel } from "../quantize/quantize_model.ts";
import type { QuantJson } from "../quantize/quant_json.ts";

const ITEMS = ["enc", "fq", "repq", "pqsam", "qdrop"] as const;
type Item = typeof ITEMS[number];

/** One measured line. */
export interface GpuPerfLine {
  item: Item;
  what: string;
  value: number;
  unit: "ms" | "s" | "h" | "s/step" | "×";
  /** Ratio to the named baseline measured in the same run. */
  ratio?: { to: string; value: number };
  note?: string;
}

/** Parses "… (1.23 s per step)" or "… (median 0.456 s per step)" from a method's notes (pure). */
export function secondsPerStepFromNotes(notes: readonly string[]): number | undefined {
  for (const n of notes) {
    const m = /\((?:median )?([0-9.]+) s per step\)/.exec(n);
    if (m) return Number(m[1]);
  }
  return undefined;
}

async function medianMs(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  warmup: number,
  reps: number,
) {
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

async function encoderMs(
  path: string,
  size: number,
  ep: "cpu" | "webgpu" | "cuda",
  warmup: number,
  reps: number,
) {
  const t0 = performance.now();
  const s = await createSession(path, { ep });
  const created = performance.now() - t0;
  try {
    const prng = createPrng(1);
    const x = new Float32Array(3 * size * size);
    for (let i = 0; i < x.length; i++) x[i] = prng.normal();
    return {
      ms: await medianMs(s, { [s.inputNames[0]!]: floatTensor(x, [1, 3, size, size]) }, warmup, reps),
      created,
    };
  } finally {
    await s.release();
  }
}

/** Runs the benchmark; returns the lines (also printed). */
export async function perfGpu(args: string[]): Promise<GpuPerfLine[]> {
  const { values: v } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      ep: { type: "string", default: "cuda" },
      only: { type: "string", default: ITEMS.join(",") },
      reps: { type: "string", default: "20" },
      warmup: { type: "string", default: "3" },
      steps: { type: "string", default: "4" },
      "calib-n": { type: "string", default: "32" },
      torch: { type: "string" },
      "json-out": { type: "string" },
      work: { type: "string" },
    },
  });
  if (v.model === undefined) {
    throw new SamqError("invalid_argument", "Cannot run perf gpu: --model is required");
  }
  const only = new Set(v.only.split(",").map((s) => s.trim()));
  for (const o of only) {
    if (!(ITEMS as readonly string[]).includes(o)) {
      throw new SamqError(
        "invalid_argument",
        `Cannot run perf gpu item "${o}": expected ${ITEMS.join(", ")}`,
        {
          field: "only",
        },
      );
    }
  }
  const int = (name: "reps" | "warmup" | "steps" | "calib-n") => intFlag("gpu", v[name], name, NaN, 1);
  const reps = int("reps"), warmup = int("warmup"), steps = int("steps"), calibN = int("calib-n");
  const ep = (await resolveExecutionProvider(parseEpChoice(v.ep))).ep;
  const torch: Record<string, number> = v.torch !== undefined
    ? JSON.parse(await Deno.readTextFile(v.torch))
    : {};
  const model = await loadModelDir(v.model);
  const size = model.config.inputSize;
  const work = v.work ?? await Deno.makeTempDir({ prefix: "samq-perf-gpu-" });
  const lines: GpuPerfLine[] = [];
  const emit = (l: GpuPerfLine) => {
    lines.push(l);
    const r = l.ratio ? `  (${l.ratio.value.toFixed(2)}× ${l.ratio.to})` : "";
    logLine(
      `${l.item.padEnd(6)} ${l.what.padEnd(48)} ${
        l.value.toFixed(l.unit === "ms" ? 1 : 3).padStart(10)
      } ${l.unit}${r}${l.note ? `  ${l.note}` : ""}`,
    );
  };
  const vs = (ms: number, key: string, label: string) =>
    torch[key] !== undefined ? { ratio: { to: label, value: ms / torch[key]! } } : {};
  const quantize = async (method: string, n: number, extra: Record<string, unknown>, scope?: "encoder") => {
    const out = join(work, `q-${method}`);
    const t0 = performance.now();
    const r = await quantizeModel({
      model: model.dir,
      method,
      bits: "w4a4",
      out,
      calib: `synthetic:seed=5,n=${n},size=${Math.min(640, size)}`,
      n,
      evalData: null,
      auditImages: 1,
      ep,
      force: true,
      methodOptions: extra,
      ...(scope ? { scope } : {}),
    });
    return { quant: r.quant as QuantJson, seconds: (performance.now() - t0) / 1000, dir: r.outDir };
  };
  logLine(
    `perf gpu: ${model.dir} (${size}²), EP ${ep}${v.torch ? `, PyTorch baseline ${torch.device ?? ""}` : ""}`,
  );
  let encMs: number | undefined;
  if (only.has("enc") || only.has("fq")) {
    const e = await encoderMs(model.encoderPath, size, ep, warmup, reps);
    encMs = e.ms;
    emit({
      item: "enc",
      what: "encoder FP32, median",
      value: e.ms,
      unit: "ms",
      ...vs(e.ms, "tf32_ms", "PyTorch TF32"),
      note: `session ${(e.created / 1000).toFixed(1)} s${
        torch.fp32_ms ? `; ${(e.ms / torch.fp32_ms).toFixed(2)}× PyTorch fp32` : ""
      }`,
    });
  }
  if (only.has("fq")) {
    const q = await quantize("minmax", 2, {});
    const qm = await loadModelDir(q.dir);
    const e = await encoderMs(qm.encoderPath, size, ep, warmup, reps);
    emit({
      item: "fq",
      what: "encoder W4A4 fake-quant (minmax), median",
      value: e.ms,
      unit: "ms",
      ...vs(e.ms, "fq_ms", "PyTorch fake-quant"),
    });
    emit({ item: "fq", what: "fake-quant / FP", value: e.ms / encMs!, unit: "×", note: "target ≤ 1.3" });
  }
  if (only.has("repq")) {
    const q = await quantize("repq-vit", calibN, {});
    emit({
      item: "repq",
      what: `repq-vit W4A4 quantize, ${calibN} images`,
      value: q.seconds,
      unit: "s",
      note: "target ≤ 120 s",
    });
  }
  if (only.has("pqsam")) {
    // budget × (100 epochs × 2 images) = steps; one evaluation image keeps the one-off work short
    const n = 2;
    const q = await quantize("pq-sam", n, { budget: steps / (100 * n), evalImages: 1 });
    const batch = /(\d+) prompt\(s\) per decoder run/.exec(q.quant.notes.join(" "))?.[1];
    if (batch !== undefined) logLine(`pqsam  ${batch} prompt(s) per decoder run`);
    const sps = secondsPerStepFromNotes(q.quant.notes);
    if (sps !== undefined) {
      emit({
        item: "pqsam",
        what: `pq-sam end-to-end step (${steps} steps)`,
        value: sps,
        unit: "s/step",
        ...vs(sps * 1000, "train_step_ms", "PyTorch LSQ step"),
      });
      emit({
        item: "pqsam",
        what: "projected: paper schedule, 10,000 steps",
        value: (sps * 10000) / 3600,
        unit: "h",
        note: `target ≤ 1 h; this run ${q.seconds.toFixed(0)} s in all`,
      });
    } else emit({ item: "pqsam", what: "pq-sam: no step rate in notes", value: q.seconds, unit: "s" });
  }
  if (only.has("qdrop")) {
    const q = await quantize("qdrop", 4, { budget: steps / 20000 }, "encoder");
    const sps = secondsPerStepFromNotes(q.quant.notes);
    const units = /(\d+) units/.exec(q.quant.notes.join(" "))?.[1];
    if (sps !== undefined) {
      emit({
        item: "qdrop",
        what: `qdrop block step (${steps} per block), median`,
        value: sps,
        unit: "s/step",
        ...vs(sps * 1000, "block_step_ms", "PyTorch block step"),
      });
      if (units !== undefined) {
        const h = (sps * 20000 * Number(units)) / 3600;
        emit({
          item: "qdrop",
          what: `projected: 20,000 steps × ${units} encoder units`,
          value: h,
          unit: "h",
          note: `this run ${q.seconds.toFixed(0)} s in all`,
        });
      }
    } else emit({ item: "qdrop", what: "qdrop: no step rate in notes", value: q.seconds, unit: "s" });
  }
  if (v["json-out"] !== undefined) {
    await Deno.writeTextFile(v["json-out"], JSON.stringify({ model: model.dir, ep, torch, lines }, null, 1));
  }
  if (v.work === undefined) await Deno.remove(work, { recursive: true }).catch(() => undefined);
  return lines;
}
