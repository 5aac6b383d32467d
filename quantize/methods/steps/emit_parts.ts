/**
 * Step "emit": inserts the chosen parameters into every planned part (`insertQuantizers`) and returns
 * the records. Also the snapshot helper that captures a part's float graph before emission.
 *
 * @module
 */
import { encodeModel } from "../../../onnx/io/write_model.ts";
import type { ModelPart } from "../../graph/types.ts";
import {
  type ActivationAssignment,
  insertQuantizers,
  type WeightAssignment,
} from "../../insert/insert_quantizers.ts";
import type { QuantizerRecord } from "../../insert/quantizer_record.ts";
import type { ProgressFn } from "../../calibrate/progress.ts";
import type { PlannedPart } from "./plan_model.ts";

/** ONNX bytes of every planned part's graph as it is now (call after folding, before emitting). */
export function snapshotParts(parts: readonly PlannedPart[]): Partial<Record<ModelPart, Uint8Array>> {
  return Object.fromEntries(parts.map((p) => [p.prepared.part, encodeModel(p.prepared.model)]));
}

/** Inserts all assignments, part by part; returns every record (encoder first). */
export function emitParts(
  parts: readonly PlannedPart[],
  activations: readonly ActivationAssignment[],
  weights: readonly WeightAssignment[],
  progress: ProgressFn,
): QuantizerRecord[] {
  const records: QuantizerRecord[] = [];
  parts.forEach((p, i) => {
    const mine = <T extends { site: { part: ModelPart } }>(xs: readonly T[]) =>
      xs.filter((x) => x.site.part === p.prepared.part);
    records.push(
      ...insertQuantizers(p.prepared.model.graph, { activations: mine(activations), weights: mine(weights) }),
    );
    progress({ phase: "emit", done: i + 1, total: parts.length, detail: p.prepared.part });
  });
  return records;
}
