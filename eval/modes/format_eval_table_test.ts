import assert from "node:assert/strict";
import type { EvalRecord, ModeMetrics } from "../record.ts";
import type { ProposalRecall } from "../metrics/evaluate_proposals.ts";
import { formatEvalTable } from "./format_eval_table.ts";

function record(modeMetrics: ModeMetrics, label: string, counts: EvalRecord["counts"]): EvalRecord {
  return {
    schema: "samq.eval/1",
    key: modeMetrics.mode,
    model: { name: "m", dir: "/m", format: "official", sha256: {}, provenance: {} },
    method: "float",
    bits: "fp32",
    dataset: { spec: "coco-tiny:val", name: "coco-tiny:val", hash: "h", images: 4, objects: 9, limit: null },
    ...modeMetrics,
    label,
    protocol: {},
    counts,
    timing: { wallMs: 2000, encodeMs: 1000, decodeMs: 500, imagesPerSec: 2 },
    env: { samq: "0", ort: "1", ep: "cpu", epReason: "forced", device: "cpu", deno: "2", os: "linux" },
    seed: 0,
    createdAt: "2025-01-01T00:00:00.000Z",
    command: null,
  };
}

Deno.test("formatEvalTable() shows per-mode metrics ×100 and '-' where a metric does not apply", () => {
  const bySize = {
    small: { count: 1, mIoU: 0.5, mDice: 0.6 },
    medium: { count: 0, mIoU: null, mDice: null },
    large: { count: 2, mIoU: 0.75, mDice: 0.8 },
  };
  const recall = (ARmax: number): ProposalRecall => ({
    maxDets: [1, 10, 100],
    AR1: 0,
    AR10: 0,
    ARmax,
    ARs: 0,
    ARm: 0,
    ARl: 0,
    proposals: 49,
  });
  const text = formatEvalTable([
    record({ mode: "point", metrics: { count: 3, mIoU: 0.6666, mDice: 0.7, bySize } }, "point", {
      objects: 3,
    }),
    record(
      {
        mode: "auto",
        metrics: { AR100: 0.25, AR1000: 0.3, masksPerImage: 12.25, ar100: recall(0.25), ar1000: recall(0.3) },
      },
      "auto",
      {},
    ),
    record(
      {
        mode: "detbox",
        metrics: {
          ...{ AP: 0.5, AP50: 0.75, AP75: -1, APs: 0, APm: 0, APl: 0 },
          ...{ AR1: 0, AR10: 0, AR100: 0, ARs: 0, ARm: 0, ARl: 0 },
          stats: [0.5, 0.75, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          oracle: true,
          maskTokenUsed: "single-token",
        },
      },
      "detbox (oracle-box)",
      { prompts: 7 },
    ),
  ]);
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "m (float, fp32) on coco-tiny:val [ep cpu, cpu]");
  const cells = lines.slice(1).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(cells[0]!.slice(0, 4), ["mode", "images", "prompts", "mIoU"]);
  assert.deepEqual(cells[2], [
    "point",
    "4",
    "3",
    "66.7",
    "70.0",
    "50.0",
    "-",
    "75.0",
    "-",
    "-",
    "-",
    "-",
    "-",
    "-",
    "2.000",
    "0.50",
  ]);
  assert.deepEqual(cells[3], [
    "auto",
    "4",
    "-",
    "-",
    "-",
    "-",
    "-",
    "-",
    "25.0",
    "30.0",
    "12.3",
    "-",
    "-",
    "-",
    "2.000",
    "0.50",
  ]);
  assert.deepEqual(cells[4]!.slice(0, 3), ["detbox (oracle-box)", "4", "7"]);
  assert.deepEqual(cells[4]!.slice(11, 14), ["50.0", "75.0", "-"], "AP75 of -1 (no GT) prints as '-'");
  assert.equal(formatEvalTable([]), "(no records)\n");
});
