/**
 * The folding check of the audit: the source model and the folded float model (after every fold, before
 * any quantizer) run on the same real images, and each output must agree to `tolerance` relative:
 * max|a − b| / max|a| ≤ 1e-4 by default. Compared: the encoder output, and every float decoder output on
 * each prompt (when the decoder was folded; each model's decoder reads its own encoder's embedding).
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { SamConfig } from "../../sam/model_dir.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { CalibrationImage } from "../calibrate/calibration_set.ts";
import { type RunOutputs, runSamForward } from "../calibrate/run_sam_forward.ts";
import type { ModelPart } from "../graph/types.ts";

/** Result for one part. */
export interface FoldingCheck {
  part: ModelPart;
  /** Outputs compared (names), over all runs. */
  outputs: string[];
  runs: number;
  maxAbsDiff: number;
  /** Largest max|a − b| / max|a| over outputs and runs. */
  maxRelDiff: number;
  tolerance: number;
  ok: boolean;
}

/** Options of {@link checkFolding}. */
export interface FoldingCheckOptions {
  config: SamConfig;
  /** Relative tolerance. @default 1e-4 */
  tolerance?: number;
  ep?: ExecutionProvider;
}

/** Compares `source` and `folded` graphs (same interfaces) on `images`. */
export async function checkFolding(
  source: { encoder: Graph; decoder: Graph },
  folded: { encoder: Graph; decoder: Graph },
  parts: readonly ModelPart[],
  images: readonly CalibrationImage[],
  options: FoldingCheckOptions,
): Promise<FoldingCheck[]> {
  const tolerance = options.tolerance ?? 1e-4;
  const withDecoder = parts.includes("decoder");
  const collect = async (g: { encoder: Graph; decoder: Graph }) => {
    const runs: { part: ModelPart; out: RunOutputs }[] = [];
    await runSamForward(
      { encoder: g.encoder, ...(withDecoder ? { decoder: g.decoder } : {}) },
      images,
      { config: options.config, phase: "audit", ...(options.ep ? { ep: options.ep } : {}) },
      {
        encoder: (out) => runs.push({ part: "encoder", out }),
        decoder: (out) => runs.push({ part: "decoder", out }),
      },
    );
    return runs;
  };
  const a = await collect(source);
  const b = await collect(folded);
  return parts.map((part) => {
    const check: FoldingCheck = {
      part,
      outputs: [],
      runs: 0,
      maxAbsDiff: 0,
      maxRelDiff: 0,
      tolerance,
      ok: true,
    };
    a.forEach((ra, i) => {
      const rb = b[i]!;
      if (ra.part !== part) return;
      check.runs++;
      for (const [name, ta] of Object.entries(ra.out)) {
        const tb = rb.out[name];
        if (ta.type !== "float32" || tb === undefined) continue;
        if (!check.outputs.includes(name)) check.outputs.push(name);
        const x = ta.data as Float32Array, y = tb.data as Float32Array;
        let diff = 0, scale = 0;
        for (let k = 0; k < x.length; k++) {
          diff = Math.max(diff, Math.abs(x[k]! - y[k]!));
          scale = Math.max(scale, Math.abs(x[k]!));
        }
        if (x.length !== y.length) diff = Infinity;
        check.maxAbsDiff = Math.max(check.maxAbsDiff, diff);
        check.maxRelDiff = Math.max(check.maxRelDiff, scale > 0 ? diff / scale : diff);
      }
    });
    check.ok = check.runs > 0 && check.maxRelDiff <= tolerance;
    return check;
  });
}
