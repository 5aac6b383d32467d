/**
 * Deterministic stand-in executors for testing the bench's own contract (plan, resume, shards, merge,
 * report) in milliseconds, without models: "quantize" writes a model folder with `sam.json` and
 * `quant.json`; "evaluate" returns records in the run-store schema whose metrics are a fixed function of
 * the job (float > W6A6 > W4A4 > W2A2, plus a per-method offset from the key). They are not a model of
 * quantization quality; real runs bind the quantizer and the evaluation runner.
 *
 * @module
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { readJsonFile, writeFileAtomic } from "../util/fs.ts";
import type { BenchExecutors } from "./run.ts";
import type { EvalJob, EvalModeJob } from "./plan.ts";
import type { RecordLike } from "./store_like.ts";

/** Options of {@link createFakeExecutors}. */
export interface FakeExecutorOptions {
  /**
   * Throw after this many records were emitted (simulates an interruption); null = never.
   * @default null
   */
  failAfterRecords?: number | null;
  /**
   * Milliseconds to wait before each record (gives a test time to kill the process).
   * @default 0
   */
  delayMs?: number;
  /** Called with each job, for tests that count calls. */
  onJob?: (kind: "quantize" | "evaluate", key: string) => void;
}

/** A number in [0, 1) from the first 4 bytes of sha256(text). */
export function unitHash(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;
}

function metricsOf(job: EvalJob, m: EvalModeJob): Record<string, unknown> {
  const base = 0.6 + 0.2 * unitHash(`${job.model.sha256} ${m.dataset.hash} ${m.mode}`);
  const bits = /^w(\d+)a(\d+)$/.exec(job.bits);
  const loss = bits === null ? 0 : (8 - Number(bits[2])) * 0.04 * (0.5 + unitHash(`${job.key} ${m.mode}`));
  const iou = Math.max(0, base - loss);
  const dice = (2 * iou) / (1 + iou);
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  if (m.mode === "point" || m.mode === "box") {
    const count = m.dataset.objects;
    const none = { count: 0, mIoU: null, mDice: null };
    const all = { count, mIoU: r4(iou), mDice: r4(dice) };
    return { ...all, bySize: { small: none, medium: none, large: all } };
  }
  if (m.mode === "auto") {
    const recall = (ARmax: number, maxDets: number) => ({
      maxDets: [1, 10, maxDets],
      ...{ AR1: r4(ARmax * 0.1), AR10: r4(ARmax * 0.5), ARmax },
      ...{ ARs: r4(ARmax * 0.5), ARm: ARmax, ARl: r4(ARmax * 1.1), proposals: 40 * m.dataset.images },
    });
    const AR100 = r4(iou * 0.7), AR1000 = r4(iou * 0.8);
    return { AR100, AR1000, masksPerImage: 40, ar100: recall(AR100, 100), ar1000: recall(AR1000, 1000) };
  }
  const ap = r4(iou * 0.6);
  const ar = r4(iou * 0.75);
  const named = {
    AP: ap,
    AP50: r4(ap * 1.4),
    AP75: r4(ap * 1.05),
    APs: r4(ap * 0.5),
    APm: r4(ap),
    APl: r4(ap * 1.2),
    ...{ AR1: r4(ar * 0.5), AR10: r4(ar * 0.9), AR100: ar, ARs: r4(ar * 0.5), ARm: ar, ARl: r4(ar * 1.2) },
  };
  return {
    ...named,
    stats: Object.values(named),
    oracle: m.protocol.prompt === "oracle-boxes",
    maskTokenUsed: "single-token",
  };
}

/**
 * Creates the fake executors.
 *
 * @param options Interruption, delay and call hooks.
 * @returns Executors for `runBench`.
 */
export function createFakeExecutors(options: FakeExecutorOptions = {}): BenchExecutors {
  const { failAfterRecords = null, delayMs = 0, onJob } = options;
  let emitted = 0;
  return {
    async quantize(job, ctx) {
      onJob?.("quantize", job.key);
      const sam = { schema: 1, name: job.model.name, format: job.model.format, fake: true };
      await writeFileAtomic(join(ctx.outDir, "sam.json"), JSON.stringify(sam) + "\n");
      const quant = {
        method: job.variant.method,
        bits: job.bits,
        granularity: job.granularity,
        protocol: { name: job.protocol, deviations: [] },
        options: job.variant.options,
        calibration: job.calibration.hash,
        seed: job.seed,
      };
      await writeFileAtomic(join(ctx.outDir, "quant.json"), JSON.stringify(quant) + "\n");
      return { wallTimeMs: Math.round(1000 + 9000 * unitHash(job.key)) };
    },
    async evaluate(job, ctx) {
      onJob?.("evaluate", job.key);
      const quant = job.quantizeKey === null
        ? null
        : await readJsonFile(join(job.modelDir, "quant.json")) as Record<string, unknown>;
      for (const m of job.modes) {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (failAfterRecords !== null && emitted >= failAfterRecords) {
          throw new Error(`fake executor: interrupted after ${emitted} records`);
        }
        const record: RecordLike = {
          schema: "samq.eval/1",
          key: createHash("sha256").update(`fake ${m.key}`).digest("hex"),
          model: {
            name: job.model.name,
            dir: job.modelDir,
            format: job.model.format,
            sha256: { "encoder.onnx": job.model.sha256 },
            provenance: job.model.provenance,
            ...(quant === null ? {} : {
              quant: { sha256: job.quantizeKey, method: quant.method, bits: quant.bits, fields: quant },
            }),
          },
          method: job.variant.method,
          bits: job.bits,
          dataset: {
            spec: m.dataset.spec,
            name: m.dataset.spec,
            hash: m.dataset.hash,
            images: m.dataset.images,
            objects: m.dataset.objects,
            limit: m.dataset.limit,
          },
          mode: m.mode,
          label: m.mode === "detbox" && m.protocol.prompt === "oracle-boxes" ? "detbox (oracle-box)" : m.mode,
          protocol: { ...m.protocol },
          metrics: metricsOf(job, m),
          counts: { images: m.dataset.images },
          timing: { wallMs: 0, encodeMs: 0, decodeMs: 0, imagesPerSec: 0 },
          env: {
            ...{ samq: "0.1.0", ort: "fake", ep: "cpu", epReason: "fake", device: "fake device" },
            ...{ deno: "fake", os: "fake" },
          },
          seed: job.seed,
          createdAt: "2000-01-01T00:00:00.000Z",
          command: ctx.command,
        };
        await ctx.emit(record);
        emitted++;
      }
    },
  };
}
