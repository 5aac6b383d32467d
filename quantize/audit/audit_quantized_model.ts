/**
 * The audit (spec §14.1): proves on real images that every quantizer recorded in `quant.json` is present
 * and active, and that folding left the float function unchanged. Four parts:
 *
 * 1. census: quantizers found in the graphs by the `samq.q/` prefix (`findGraphQuantizers`) must equal the
 *    recorded ones, per part — none missing, none unrecorded;
 * 2. activity: every quantized tensor takes ≤ 2^b distinct values (2^b + 1 for log), all on its grid
 *    (`checkQuantizerGrids`);
 * 3. folding: source vs folded float model agree to ≤ 1e-4 relative (`checkFolding`);
 * 4. evaluation graphs: the final graphs (the ones written and evaluated) hold no random op, no Dropout in
 *    training mode and no samq training machinery (`findTrainingOps`), so no quantizer can be randomly
 *    dropped at evaluation (spec §4.5). `quant.json` files written before this part lack
 *    `evaluationGraphs`; the report then says the check was not recorded.
 *
 * `passed` is true only when all four hold; `failures` lists what did not, one line each.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { SamConfig } from "../../sam/model_dir.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { CalibrationImage } from "../calibrate/calibration_set.ts";
import type { ProgressFn } from "../calibrate/progress.ts";
import type { ModelPart } from "../graph/types.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import { checkFolding, type FoldingCheck } from "./check_folding.ts";
import { checkQuantizerGrids, type QuantizerCheck } from "./check_quantizer_grids.ts";
import { findGraphQuantizers } from "./find_graph_quantizers.ts";
import { findTrainingOps } from "../../onnx/ir/find_training_ops.ts";

/** Census of one part. */
export interface QuantizerCensus {
  part: ModelPart;
  recorded: number;
  found: number;
  /** Recorded but not in the graph. */
  missing: string[];
  /** In the graph but not recorded. */
  unrecorded: string[];
}

/** The audit result written into `quant.json`. */
export interface AuditResult {
  passed: boolean;
  images: number;
  encoderRuns: number;
  decoderRuns: number;
  census: QuantizerCensus[];
  /** Quantizers checked and how many passed. */
  quantizers: { checked: number; passed: number; activations: number; weights: number };
  /** The checks that failed (all of them pass when `passed`). */
  failedQuantizers: QuantizerCheck[];
  /** Largest distinct-value count relative to the allowed levels, over all quantizers. */
  worstLevelUse: { id: string; maxDistinct: number; maxLevels: number } | null;
  folding: FoldingCheck[];
  /** Training ops found in each final graph (empty lists when clean). */
  evaluationGraphs: { part: ModelPart; trainingOps: string[] }[];
  failures: string[];
}

/** What the audit needs. */
export interface AuditInput {
  config: SamConfig;
  /** Final graphs (with quantizers). */
  quantized: { encoder: Graph; decoder: Graph };
  /** Source graphs as read from the source files (no preparation). */
  source: { encoder: Graph; decoder: Graph };
  /** Float graphs after folding, before quantizers, for the parts that were quantized. */
  folded: Partial<Record<ModelPart, Graph>>;
  records: readonly QuantizerRecord[];
  images: readonly CalibrationImage[];
}

/** Options of {@link auditQuantizedModel}. */
export interface AuditOptions {
  /** Relative tolerance of the folding check. @default 1e-4 */
  foldTolerance?: number;
  ep?: ExecutionProvider;
  progress?: ProgressFn;
}

/** Runs the three audit parts. */
export async function auditQuantizedModel(
  input: AuditInput,
  options: AuditOptions = {},
): Promise<AuditResult> {
  const failures: string[] = [];
  const census = (["encoder", "decoder"] as const).map((part) => {
    const found = findGraphQuantizers(input.quantized[part]);
    const foundIds = new Set([...found.activations, ...found.weights]);
    const recorded = new Set(input.records.filter((r) => r.part === part).map((r) => r.id));
    const c: QuantizerCensus = {
      part,
      recorded: recorded.size,
      found: foundIds.size,
      missing: [...recorded].filter((id) => !foundIds.has(id)),
      unrecorded: [...foundIds].filter((id) => !recorded.has(id)),
    };
    if (c.missing.length > 0) {
      failures.push(`${part}: ${c.missing.length} recorded quantizer(s) missing from the graph`);
    }
    if (c.unrecorded.length > 0) {
      failures.push(`${part}: ${c.unrecorded.length} quantizer(s) in the graph are not recorded`);
    }
    return c;
  });
  const evaluationGraphs = (["encoder", "decoder"] as const).map((part) => ({
    part,
    trainingOps: findTrainingOps(input.quantized[part]).map((t) => `${t.name} (${t.op}: ${t.why})`),
  }));
  for (const g of evaluationGraphs.filter((g) => g.trainingOps.length > 0)) {
    failures.push(
      `${g.part}: ${g.trainingOps.length} training op(s) in the evaluation graph (first: ${
        g.trainingOps[0]
      })`,
    );
  }
  const ep = options.ep ? { ep: options.ep } : {};
  const grid = await checkQuantizerGrids(input.quantized, input.records, input.images, {
    config: input.config,
    ...ep,
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const failed = grid.checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    failures.push(`${failed.length} quantizer(s) not active on their grid (first: "${failed[0]!.id}")`);
  }
  let worst: AuditResult["worstLevelUse"] = null;
  for (const c of grid.checks) {
    if (worst === null || c.maxDistinct / c.maxLevels > worst.maxDistinct / worst.maxLevels) {
      worst = { id: c.id, maxDistinct: c.maxDistinct, maxLevels: c.maxLevels };
    }
  }
  const parts = Object.keys(input.folded) as ModelPart[];
  const folded = {
    encoder: input.folded.encoder ?? input.source.encoder,
    decoder: input.folded.decoder ?? input.source.decoder,
  };
  // The folding check asks whether a reparameterization is exact to 1e-4: the CUDA EP's TF32 matmuls
  // alone differ by ~1e-3 between two equal models, so CUDA runs compare on the CPU (plain fp32).
  const foldEp = options.ep === "cuda" ? { ep: "cpu" as const } : ep;
  const folding = await checkFolding(input.source, folded, parts, input.images, {
    config: input.config,
    ...foldEp,
    ...(options.foldTolerance === undefined ? {} : { tolerance: options.foldTolerance }),
  });
  for (const f of folding.filter((f) => !f.ok)) {
    failures.push(
      `${f.part}: folded float model differs from the source by ${
        f.maxRelDiff.toExponential(2)
      } relative (> ${f.tolerance})`,
    );
  }
  return {
    passed: failures.length === 0,
    images: grid.report.images,
    encoderRuns: grid.report.encoderRuns,
    decoderRuns: grid.report.decoderRuns,
    census,
    quantizers: {
      checked: grid.checks.length,
      passed: grid.checks.length - failed.length,
      activations: grid.checks.filter((c) => c.target === "activation").length,
      weights: grid.checks.filter((c) => c.target === "weight").length,
    },
    failedQuantizers: failed,
    worstLevelUse: worst,
    folding,
    evaluationGraphs,
    failures,
  };
}
