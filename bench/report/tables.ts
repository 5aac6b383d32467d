/**
 * The report's tables, each a markdown section per model (empty when the run has no such records):
 *
 * - point/box prompts: mIoU and mDice (%, 2 decimals), columns = bit settings × datasets × modes;
 * - COCO mask mAP from detbox records: AP, AP50, AP75, APs, APm, APl (%, 1 decimal), one table per dataset,
 *   titled "(oracle boxes)" when GT boxes were the prompts;
 * - automatic mode: AR@100, AR@1000 (%, 1 decimal) and masks per image;
 * - quantization wall time per method variant and bit setting;
 * - ablations: for a method with several variants, mIoU / mDice over its varying options (rows = first
 *   axis, columns = second axis when there are two).
 *
 * @module
 */
import { compareBits, FLOAT_BITS, formatBits } from "../../util/bits.ts";
import { FLOAT_METHOD } from "../method_catalog.ts";
import type { JsonValue } from "../_canonical_json.ts";
import {
  type cellPicker,
  compareOptionValues,
  formatOptionValue,
  optionSymbol,
  variantId,
  type VariantRow,
} from "./_layout.ts";
import { formatFixed, formatPercent, formatSeconds, markdownTable } from "./_markdown.ts";
import { type ColumnGroup, type MetricColumn, metricTable } from "./_metric_table.ts";
import type { ReportRecord } from "./report_record.ts";

/** Everything the tables are drawn from. */
export interface ReportData {
  records: readonly ReportRecord[];
  rows: readonly VariantRow[];
  /** Model names in order. */
  models: readonly string[];
  /** Dataset specs in order. */
  datasets: readonly string[];
  picker: ReturnType<typeof cellPicker>;
}

const PROMPT_MODES = ["point", "box"] as const;
const MAP_FIELDS = ["AP", "AP50", "AP75", "APs", "APm", "APl"] as const;

/** Record id as rows use it (the float model has no options). */
export function recordVariantId(r: ReportRecord): string {
  return variantId(r.method, r.method === FLOAT_METHOD ? {} : r.options);
}

/** Quantized bit settings of `records` in table order, or ["fp32"] when only float records exist. */
function quantBits(records: readonly ReportRecord[]): string[] {
  const bits = [...new Set(records.map((r) => r.bits).filter((b) => b !== FLOAT_BITS))].sort(compareBits);
  return bits.length > 0 ? bits : [FLOAT_BITS];
}

function cellOf(data: ReportData, where: (r: ReportRecord) => boolean, row: VariantRow, bits: string) {
  return data.picker.pick((r) =>
    where(r) &&
    (row.kind === "float" ? r.method === FLOAT_METHOD : recordVariantId(r) === row.id && r.bits === bits)
  );
}

/** A titled section ending with a blank line, or "" for an empty table. */
function section(title: string, table: string, note = ""): string {
  return table === "" ? "" : `### ${title}\n\n${table}\n\n${note === "" ? "" : `${note}\n\n`}`;
}

/** Point and box prompt tables. */
export function promptTables(data: ReportData): string {
  const metrics: MetricColumn[] = [
    { name: "IoU", cell: (r) => formatPercent(r.prompt?.mIoU ?? null, 2) },
    { name: "Dice", cell: (r) => formatPercent(r.prompt?.mDice ?? null, 2) },
  ];
  return data.models.map((model) => {
    const recs = data.records.filter((r) => r.model === model && r.prompt !== null);
    const groups: ColumnGroup[] = [];
    for (const bits of quantBits(recs)) {
      for (const ds of data.datasets) {
        for (const mode of PROMPT_MODES) {
          if (!recs.some((r) => r.dataset === ds && r.mode === mode)) continue;
          const where = (r: ReportRecord) => r.model === model && r.dataset === ds && r.mode === mode;
          groups.push({
            title: `${formatBits(bits)}<br>${ds}<br>${mode}`,
            pick: (row) => cellOf(data, where, row, bits),
          });
        }
      }
    }
    return section(
      `${model}: point and box prompts (mIoU / mDice, %)`,
      metricTable(data.rows, groups, metrics),
    );
  }).join("");
}

/** COCO mask mAP tables from detbox records. */
export function detboxTables(data: ReportData): string {
  const metrics: MetricColumn[] = MAP_FIELDS.map((f) => ({
    name: f,
    cell: (r: ReportRecord) => formatPercent(r.detbox?.summary[f] ?? null, 1),
  }));
  const out: string[] = [];
  for (const model of data.models) {
    for (const ds of data.datasets) {
      for (const oracle of [false, true]) {
        const recs = data.records.filter((r) =>
          r.model === model && r.dataset === ds && r.detbox !== null && r.detbox.oracle === oracle
        );
        if (recs.length === 0) continue;
        const where = (r: ReportRecord) =>
          r.model === model && r.dataset === ds && r.detbox !== null && r.detbox.oracle === oracle;
        const groups = quantBits(recs).map((bits): ColumnGroup => ({
          title: formatBits(bits),
          pick: (row) => cellOf(data, where, row, bits),
        }));
        const boxes = oracle ? "oracle boxes" : "detector boxes";
        out.push(
          section(`${model}: COCO mask mAP on ${ds} (${boxes}, %)`, metricTable(data.rows, groups, metrics)),
        );
      }
    }
  }
  return out.join("");
}

/** Automatic-mode tables. */
export function autoTables(data: ReportData): string {
  const metrics: MetricColumn[] = [
    { name: "AR@100", cell: (r) => formatPercent(r.auto?.AR100 ?? null, 1) },
    { name: "AR@1000", cell: (r) => formatPercent(r.auto?.AR1000 ?? null, 1) },
    { name: "masks/img", cell: (r) => formatFixed(r.auto?.masksPerImage ?? null, 1), ranked: false },
  ];
  return data.models.map((model) => {
    const recs = data.records.filter((r) => r.model === model && r.auto !== null);
    const groups: ColumnGroup[] = [];
    for (const bits of quantBits(recs)) {
      for (const ds of data.datasets) {
        if (!recs.some((r) => r.dataset === ds)) continue;
        const where = (r: ReportRecord) => r.model === model && r.dataset === ds && r.auto !== null;
        groups.push({ title: `${formatBits(bits)}<br>${ds}`, pick: (row) => cellOf(data, where, row, bits) });
      }
    }
    return section(
      `${model}: automatic masks (class-agnostic AR, %)`,
      metricTable(data.rows, groups, metrics),
      "masks/img counts the automatic mask generator's masks per image (informational, not ranked).",
    );
  }).join("");
}

/** The schedule cell of a variant: its `budget` as a percentage of the paper's, or "closed form". */
export function scheduleOf(options: Readonly<Record<string, JsonValue>>): string {
  const b = options.budget;
  if (typeof b !== "number") return "closed form";
  const pct = b * 100;
  return `${Number.isInteger(pct) ? pct : Number(pct.toPrecision(2))} %`;
}

/** Quantization wall-time tables. */
export function quantTimeTables(data: ReportData): string {
  return data.models.map((model) => {
    const recs = data.records.filter((r) => r.model === model && r.quantWallTimeMs !== null);
    if (recs.length === 0) return "";
    const bits = quantBits(recs);
    const rows = data.rows.filter((row) =>
      row.kind === "measured" && recs.some((r) => recordVariantId(r) === row.id)
    );
    const body = rows.map((row) => [
      row.label,
      scheduleOf(row.options),
      ...bits.map((b) => {
        // Every record of one quantized model carries the same wall time: take the first, uncounted.
        const r = recs.find((x) => recordVariantId(x) === row.id && x.bits === b) ?? null;
        return formatSeconds(r === null ? null : r.quantWallTimeMs! / 1000);
      }),
    ]);
    return section(
      `${model}: quantization wall time`,
      markdownTable(["method", "schedule", ...bits.map(formatBits)], body),
      "schedule: the share of the paper's iteration count that ran (the learned methods' `budget`); " +
        "closed-form methods have no iterations.",
    );
  }).join("");
}

function ablationCell(r: ReportRecord | null): { text: string; iou: number | null } {
  if (r === null || r.prompt === null) return { text: "–", iou: null };
  return {
    text: `${formatPercent(r.prompt.mIoU, 2)} / ${formatPercent(r.prompt.mDice, 2)}`,
    iou: r.prompt.mIoU,
  };
}

function boldMax(cells: { text: string; iou: number | null }[][]): string[][] {
  const best = Math.max(
    ...cells.flat().map((c) => (c.iou === null ? -Infinity : Number(formatPercent(c.iou, 2)))),
  );
  return cells.map((row) =>
    row.map((c) => (c.iou !== null && Number(formatPercent(c.iou, 2)) === best ? `**${c.text}**` : c.text))
  );
}

function ablationTable(
  variants: readonly VariantRow[],
  pick: (row: VariantRow) => ReportRecord | null,
): string {
  const axes = variants[0]!.axes;
  const sorted = (k: string) =>
    [...new Map(variants.map((v) => [formatOptionValue(v.options[k]), v.options[k]])).values()].sort(
      compareOptionValues,
    );
  if (axes.length === 2) {
    const [a, b] = axes as [string, string];
    const rowsV = sorted(a), colsV = sorted(b);
    const cells = rowsV.map((x) =>
      colsV.map((y) => {
        const v = variants.find((v) =>
          formatOptionValue(v.options[a]) === formatOptionValue(x) &&
          formatOptionValue(v.options[b]) === formatOptionValue(y)
        );
        return ablationCell(v === undefined ? null : pick(v));
      })
    );
    const header = [
      `${optionSymbol(a)} \\ ${optionSymbol(b)}`,
      ...colsV.map((y) => `${optionSymbol(b)}=${formatOptionValue(y)}`),
    ];
    const bolded = boldMax(cells);
    return markdownTable(
      header,
      rowsV.map((x, i) => [`${optionSymbol(a)}=${formatOptionValue(x)}`, ...bolded[i]!]),
    );
  }
  const cells = variants.map((v) => [ablationCell(pick(v))]);
  const bolded = boldMax(cells);
  const label = (v: VariantRow) =>
    axes.map((k) => `${optionSymbol(k)}=${formatOptionValue(v.options[k])}`).join(", ");
  return markdownTable(
    [axes.map(optionSymbol).join(", "), "mIoU / mDice"],
    variants.map((v, i) => [label(v), bolded[i]![0]!]),
  );
}

/** Ablation tables over the varying options of methods with several variants. */
export function ablationTables(data: ReportData): string {
  const out: string[] = [];
  const methods = [
    ...new Set(data.rows.filter((r) => r.kind === "measured" && r.axes.length > 0).map((r) => r.method)),
  ];
  for (const model of data.models) {
    for (const method of methods) {
      const variants = data.rows.filter((r) => r.method === method && r.kind === "measured");
      const recs = data.records.filter((r) => r.model === model && r.method === method && r.prompt !== null);
      for (const bits of quantBits(recs)) {
        for (const ds of data.datasets) {
          for (const mode of PROMPT_MODES) {
            if (!recs.some((r) => r.bits === bits && r.dataset === ds && r.mode === mode)) continue;
            const pick = (v: VariantRow) =>
              data.picker.pick((r) =>
                recs.includes(r) && recordVariantId(r) === v.id && r.bits === bits && r.dataset === ds &&
                r.mode === mode
              );
            const title = `${model}: ${method} ablation, ${
              formatBits(bits)
            }, ${ds}, ${mode} (mIoU / mDice, %)`;
            out.push(section(title, ablationTable(variants, pick)));
          }
        }
      }
    }
  }
  return out.join("");
}
