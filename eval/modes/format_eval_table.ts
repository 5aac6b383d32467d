/**
 * The table `deno task eval` prints: one row per mode record, metrics ×100 with one decimal, "-" where a
 * metric does not apply to the mode. Columns: images, prompts (objects or boxes), mIoU, mDice and mIoU per
 * COCO size (point/box), AR@100, AR@1000 and masks per image (auto), AP, AP50, AP75 (detbox), then
 * throughput as images/s and s/image (encoder time included, see `EvalTiming`). The row label is the
 * record's `label`, so the oracle-box variant reads "detbox (oracle-box)".
 *
 * @module
 */
import type { EvalRecord } from "../record.ts";

const COLUMNS = [
  "mode",
  "images",
  "prompts",
  "mIoU",
  "mDice",
  "mIoU-S",
  "mIoU-M",
  "mIoU-L",
  "AR@100",
  "AR@1000",
  "masks/img",
  "AP",
  "AP50",
  "AP75",
  "img/s",
  "s/img",
] as const;

function pct(v: unknown): string {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? (v * 100).toFixed(1) : "-";
}

function num(v: unknown, digits: number): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "-";
}

function row(r: EvalRecord): string[] {
  const c = r.counts;
  const cells: Record<(typeof COLUMNS)[number], string> = {
    mode: r.label,
    images: String(r.dataset.images),
    prompts: "-",
    mIoU: "-",
    mDice: "-",
    "mIoU-S": "-",
    "mIoU-M": "-",
    "mIoU-L": "-",
    "AR@100": "-",
    "AR@1000": "-",
    "masks/img": "-",
    AP: "-",
    AP50: "-",
    AP75: "-",
    "img/s": num(r.timing.imagesPerSec, 3),
    "s/img": r.timing.imagesPerSec > 0 ? num(1 / r.timing.imagesPerSec, 2) : "-",
  };
  if (r.mode === "point" || r.mode === "box") {
    const m = r.metrics;
    cells.prompts = String(c.objects ?? "-");
    cells.mIoU = pct(m.mIoU);
    cells.mDice = pct(m.mDice);
    cells["mIoU-S"] = pct(m.bySize.small.mIoU);
    cells["mIoU-M"] = pct(m.bySize.medium.mIoU);
    cells["mIoU-L"] = pct(m.bySize.large.mIoU);
  } else if (r.mode === "auto") {
    const m = r.metrics;
    cells["AR@100"] = pct(m.AR100);
    cells["AR@1000"] = pct(m.AR1000);
    cells["masks/img"] = num(m.masksPerImage, 1);
  } else {
    const m = r.metrics;
    cells.prompts = String(c.prompts ?? "-");
    cells.AP = pct(m.AP);
    cells.AP50 = pct(m.AP50);
    cells.AP75 = pct(m.AP75);
  }
  return COLUMNS.map((k) => cells[k]);
}

/**
 * Formats records as an aligned text table (first column left-aligned, the rest right-aligned), headed by
 * the model, method, bits and dataset of the first record.
 *
 * @param records Records to show, in row order.
 * @returns The table, ending with a newline.
 *
 * @example Usage
 * ```ts ignore
 * import { formatEvalTable } from "./format_eval_table.ts";
 * console.log(formatEvalTable(result.records));
 * ```
 */
export function formatEvalTable(records: readonly EvalRecord[]): string {
  if (records.length === 0) return "(no records)\n";
  const first = records[0]!;
  const rows = [COLUMNS.map(String), ...records.map(row)];
  const widths = COLUMNS.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join("  ").trimEnd()
  );
  const head = `${first.model.name} (${first.method}, ${first.bits}) on ${first.dataset.spec}` +
    ` [ep ${first.env.ep}, ${first.env.device}]`;
  return [head, lines[0]!, widths.map((w) => "-".repeat(w)).join("  "), ...lines.slice(1)].join("\n") + "\n";
}
