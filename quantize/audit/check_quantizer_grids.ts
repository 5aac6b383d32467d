/**
 * The activity check of the audit (spec §14.1): every quantizer must quantize its whole tensor. Weight
 * constants are checked directly (`countDistinctOnGrid` on all values). Activation quantizers are checked
 * while the quantized model runs on real images, on their output `samq.q/<id>`:
 *
 * - exactly, over the whole tensor, by an in-graph count of elements that the recorded quantizer moves
 *   (`off_grid_reduction.ts`): zero proves every element is a grid value, hence ≤ 2^b distinct values
 *   (2^b + 1 for log quantizers, which add an exact 0);
 * - and on a deterministic sample of up to `sampleCount` values (`tap_reduction.ts`), whose distinct
 *   values are counted on the host (`countDistinctOnGrid`) and reported as `maxDistinct`.
 *
 * Per-channel activation quantizers are tapped whole and checked on the host. An activation quantizer
 * that never ran fails.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Constant } from "../../onnx/ir/tensor.ts";
import type { SamConfig } from "../../sam/model_dir.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { CalibrationImage } from "../calibrate/calibration_set.ts";
import type { ProgressFn } from "../calibrate/progress.ts";
import {
  type RunOutputs,
  runSamForward,
  type SamForwardReport,
  type TapSpec,
} from "../calibrate/run_sam_forward.ts";
import { offGridReduction } from "./off_grid_reduction.ts";
import type { ModelPart } from "../graph/types.ts";
import { quantizerParamsFromJson, type QuantizerRecord } from "../insert/quantizer_record.ts";
import { countDistinctOnGrid } from "../quantizers/count_distinct_on_grid.ts";

/** Result for one quantizer. */
export interface QuantizerCheck {
  id: string;
  part: ModelPart;
  target: "activation" | "weight";
  /** Tensors checked (1 for a weight; one per run for an activation). */
  observations: number;
  /** Largest per-channel distinct-value count seen. */
  maxDistinct: number;
  /** Allowed distinct values: 2^b (uniform, HLUQ), or 2^b + 1 for log quantizers. */
  maxLevels: number;
  /** Values off the grid, summed over observations. */
  offGrid: number;
  ok: boolean;
}

/** Options of {@link checkQuantizerGrids}. */
export interface GridCheckOptions {
  config: SamConfig;
  /** Values sampled per activation and run for the distinct count. @default 65536 */
  sampleCount?: number;
  ep?: ExecutionProvider;
  progress?: ProgressFn;
}

/**
 * Checks every record against the quantized graphs (`graphs.decoder` is run when it carries records).
 * Records whose tensor or constant is missing from the graph fail with 0 observations.
 */
export async function checkQuantizerGrids(
  graphs: { encoder: Graph; decoder: Graph },
  records: readonly QuantizerRecord[],
  images: readonly CalibrationImage[],
  options: GridCheckOptions,
): Promise<{ checks: QuantizerCheck[]; report: SamForwardReport }> {
  const checks = new Map<QuantizerRecord, QuantizerCheck>();
  for (const r of records) {
    const levels = 2 ** r.params.bits;
    checks.set(r, {
      id: r.id,
      part: r.part,
      target: r.target,
      observations: 0,
      maxDistinct: 0,
      maxLevels: r.params.kind === "log" ? levels + 1 : levels,
      offGrid: 0,
      ok: false,
    });
  }
  const add = (r: QuantizerRecord, values: Float32Array, dims: readonly number[], exactOffGrid?: number) => {
    const c = checks.get(r)!;
    const g = countDistinctOnGrid(values, dims, quantizerParamsFromJson(r.params, r.id));
    c.observations++;
    c.maxDistinct = Math.max(c.maxDistinct, g.maxDistinct);
    c.offGrid += exactOffGrid === undefined ? g.offGrid : Math.max(exactOffGrid, g.offGrid);
  };
  for (const r of records.filter((r) => r.target === "weight")) {
    const w = graphs[r.part].initializers().find((k) => k.name === r.name) as Constant | undefined;
    if (w !== undefined) add(r, w.values() as Float32Array, w.dims);
  }
  const acts = (part: ModelPart) => records.filter((r) => r.target === "activation" && r.part === part);
  const tapsOf = (part: ModelPart) => {
    const have = graphs[part].tensors();
    return acts(part).filter((r) => have.has(r.name));
  };
  const enc = tapsOf("encoder");
  const dec = tapsOf("decoder");
  const perTensor = (r: QuantizerRecord) => r.params.kind !== "uniform" || r.params.axis === undefined;
  const sampleCount = options.sampleCount ?? 1 << 16;
  const specs = (list: QuantizerRecord[]): TapSpec[] =>
    list.flatMap((r) =>
      perTensor(r)
        ? [
          { key: `${r.id}|sample`, tensor: r.name, reduce: { kind: "sample", count: sampleCount } },
          {
            key: `${r.id}|offgrid`,
            tensor: r.name,
            reduce: offGridReduction(quantizerParamsFromJson(r.params, r.id)),
          },
        ]
        : [{ key: `${r.id}|full`, tensor: r.name }]
    );
  const visit = (list: QuantizerRecord[]) => (out: RunOutputs) => {
    for (const r of list) {
      const full = out[`${r.id}|full`];
      if (full !== undefined) add(r, full.data as Float32Array, full.dims);
      const sample = out[`${r.id}|sample`];
      const off = out[`${r.id}|offgrid`];
      if (sample !== undefined && off !== undefined) {
        add(r, sample.data as Float32Array, sample.dims, Number((off.data as BigInt64Array)[0]));
      }
    }
  };
  const report = await runSamForward(
    { encoder: graphs.encoder, ...(acts("decoder").length > 0 ? { decoder: graphs.decoder } : {}) },
    images,
    {
      config: options.config,
      taps: { encoder: specs(enc), decoder: specs(dec) },
      phase: "audit",
      ...(options.ep ? { ep: options.ep } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
    },
    { encoder: visit(enc), decoder: visit(dec) },
  );
  for (const c of checks.values()) {
    c.ok = c.observations > 0 && c.offGrid === 0 && c.maxDistinct <= c.maxLevels;
  }
  return { checks: [...checks.values()], report };
}
