/**
 * One metric table: rows = method variants, columns = column groups × metrics, float row first, planned
 * methods as "not available" rows, best quantized value per column in bold.
 *
 * @module
 */
import { boldBest, markdownTable } from "./_markdown.ts";
import type { VariantRow } from "./_layout.ts";
import type { ReportRecord } from "./report_record.ts";

/** A group of columns (e.g. W4A4 · coco-tiny:val · point). */
export interface ColumnGroup {
  /** Header text; each metric's name is appended after a line break. */
  title: string;
  /** The record of `row` in this group (for the float row, the float record of the group's data). */
  pick(row: VariantRow): ReportRecord | null;
}

/** A metric column inside each group. */
export interface MetricColumn {
  name: string;
  /** The formatted value ("–" when absent). */
  cell(r: ReportRecord): string;
  /** Whether the best value is bolded (false for informational columns). Default true. */
  ranked?: boolean;
}

/** Text of the first cell of a planned method's row. */
export const NOT_AVAILABLE = "not available";

/**
 * Renders the table; rows without any record in any group are dropped unless planned.
 *
 * @param rows Variant rows in order.
 * @param groups Column groups in order.
 * @param metrics Metric columns per group.
 * @returns Markdown, or "" when no row has a value.
 */
export function metricTable(
  rows: readonly VariantRow[],
  groups: readonly ColumnGroup[],
  metrics: readonly MetricColumn[],
): string {
  if (groups.length === 0) return "";
  const header = ["method", ...groups.flatMap((g) => metrics.map((m) => `${g.title}<br>${m.name}`))];
  const body: string[][] = [];
  const contest: boolean[] = [];
  let measured = 0;
  for (const row of rows) {
    const picked = groups.map((g) => g.pick(row));
    if (row.kind === "planned") {
      body.push([NOT_AVAILABLE, ...Array(header.length - 2).fill("")]);
    } else if (picked.some((r) => r !== null)) {
      body.push(picked.flatMap((r) => metrics.map((m) => (r === null ? "–" : m.cell(r)))));
      measured++;
    } else continue;
    contest.push(row.kind === "measured");
    body[body.length - 1]!.unshift(row.label);
  }
  if (measured === 0) return "";
  const ranked = groups.flatMap(() => metrics.map((m) => m.ranked !== false));
  const bolded = boldBest(body.map((r) => r.slice(1)), contest, ranked);
  return markdownTable(header, body.map((r, i) => [r[0]!, ...bolded[i]!]));
}
