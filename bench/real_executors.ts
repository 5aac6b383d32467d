/**
 * The executors of real bench runs: `quantizeModel` (quantize/quantize_model.ts) builds each quantized
 * model, `runEvaluation` (eval/modes/run_evaluation.ts) evaluates one pass and hands each mode's record
 * over as soon as it exists, and `writeQualitativeOverlays` draws the qualitative figures.
 *
 * @module
 */
import { runEvaluation } from "../eval/modes/run_evaluation.ts";
import { quantizeModel } from "../quantize/quantize_model.ts";
import { resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { writeQualitativeOverlays } from "./qualitative_overlays.ts";
import type { BenchExecutors } from "./run.ts";
import type { RecordLike } from "./store_like.ts";

/**
 * Creates the real executors.
 *
 * @returns Executors for `runBench`.
 */
export function createRealExecutors(): BenchExecutors {
  return {
    async quantize(job, ctx) {
      const r = await quantizeModel({
        model: job.model.dir,
        method: job.variant.method,
        bits: job.bits,
        out: ctx.outDir,
        calib: job.calibration.spec,
        n: job.calibration.n,
        // The config checks that calibration is not an evaluation set; the quantizer re-checks the
        // images against the first evaluation dataset.
        evalData: job.evalSpecs[0] ?? null,
        protocol: job.protocol,
        granularity: job.granularity,
        seed: job.seed,
        ep: job.ep,
        methodOptions: job.variant.options,
        ...(job.auditImages === null ? {} : { auditImages: job.auditImages }),
        force: true,
      });
      const total = r.quant.timingsMs.total;
      return typeof total === "number" ? { wallTimeMs: total } : {};
    },
    async evaluate(job, ctx) {
      let chain = Promise.resolve();
      try {
        await runEvaluation(
          job.modelDir,
          job.datasetSpec,
          {
            modes: job.modes.map((m) => m.mode),
            limit: job.limit,
            autoLimit: job.autoLimit,
            seed: job.seed,
            ep: job.ep,
            detboxMask: job.detboxMask,
            prompt: { detections: job.detections },
            amg: { pointsPerSide: job.pointsPerSide },
          },
          {
            command: ctx.command,
            progress: (event) => {
              if (event.kind === "record") chain = chain.then(() => ctx.emit(event.record as RecordLike));
            },
          },
        );
      } finally {
        // Records are appended in order as soon as they exist; wait for the last append.
        await chain;
      }
      if (job.qualitative > 0) {
        const ep = (await resolveExecutionProvider(job.ep)).ep;
        await writeQualitativeOverlays(job.modelDir, job.datasetSpec, {
          modes: job.modes,
          count: job.qualitative,
          limit: job.limit,
          ep,
        });
      }
    },
  };
}
