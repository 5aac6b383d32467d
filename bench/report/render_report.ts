/**
 * Renders `report.md` (and the chart SVGs) from records alone, plus the optional `bench.json` for the
 * config's method order and "not available" rows. Pure: no clock, no file system; the same inputs give
 * the same bytes.
 *
 * @module
 */
import { compareBits, FLOAT_BITS, formatBits } from "../../util/bits.ts";
import { FLOAT_METHOD } from "../method_catalog.ts";
import { cellPicker, orderBy, type ReportManifest, type VariantRow, variantRows } from "./_layout.ts";
import { slug } from "./_markdown.ts";
import { manifestSection } from "./manifest_section.ts";
import { hygieneLine } from "./hygiene_line.ts";
import { metricVsBitsSvg } from "./metric_vs_bits_svg.ts";
import type { ReportRecord } from "./report_record.ts";
import {
  ablationTables,
  autoTables,
  detboxTables,
  promptTables,
  quantTimeTables,
  recordVariantId,
  type ReportData,
} from "./tables.ts";

/** Inputs of {@link renderReport}. */
export interface RenderReportInput {
  /** Report title (the run name). */
  title: string;
  records: readonly ReportRecord[];
  /** `bench.json`, or {} when the run has none. */
  manifest: ReportManifest;
  /** Record key → overlay file names present under `figures/qualitative/<key>/`. */
  qualitative: Readonly<Record<string, readonly string[]>>;
}

/** A chart to rasterize: `file` is relative to the run folder. */
export interface RenderedChart {
  file: string;
  svg: string;
}

/** The rendered report. */
export interface RenderedReport {
  markdown: string;
  charts: RenderedChart[];
}

function charts(data: ReportData): RenderedChart[] {
  const out: RenderedChart[] = [];
  for (const model of data.models) {
    for (const ds of data.datasets) {
      for (const mode of ["point", "box"] as const) {
        const recs = data.records.filter((r) => r.model === model && r.dataset === ds && r.mode === mode);
        const bits = [...new Set(recs.map((r) => r.bits).filter((b) => b !== FLOAT_BITS))].sort(compareBits);
        if (bits.length === 0) continue;
        const pick = (row: VariantRow, b: string) =>
          data.picker.pick((r) => recs.includes(r) && recordVariantId(r) === row.id && r.bits === b);
        const float = data.picker.pick((r) => recs.includes(r) && r.method === FLOAT_METHOD);
        const floatValue = float?.prompt ? 100 * float.prompt.mIoU : null;
        const series = data.rows.filter((row) => row.kind === "measured").map((row) => ({
          label: row.label,
          values: [
            floatValue,
            ...bits.map((b) => pick(row, b)?.prompt?.mIoU ?? null).map((v) => (v === null ? null : 100 * v)),
          ],
        })).filter((s) => s.values.slice(1).some((v) => v !== null));
        out.push({
          file: `figures/miou-vs-bits_${slug(model)}_${slug(ds)}_${mode}.png`,
          svg: metricVsBitsSvg({
            title: `${model} · ${ds} · ${mode} prompts`,
            yLabel: "mIoU (%)",
            xLabels: [formatBits(FLOAT_BITS), ...bits.map(formatBits)],
            series,
            reference: null,
          }),
        });
      }
    }
  }
  return out;
}

function qualitativeSection(data: ReportData, files: RenderReportInput["qualitative"]): string {
  const parts: string[] = [];
  const withFigures = data.records.filter((r) => (files[r.key] ?? []).length > 0);
  for (const model of data.models) {
    for (const ds of data.datasets) {
      for (const mode of ["point", "box", "auto", "detbox"]) {
        const recs = withFigures.filter((r) => r.model === model && r.dataset === ds && r.mode === mode);
        const bits = [...new Set(recs.map((r) => r.bits).filter((b) => b !== FLOAT_BITS))].sort(compareBits);
        for (const b of bits.length > 0 ? bits : [FLOAT_BITS]) {
          const cols = data.rows.map((row) => ({
            row,
            rec: data.picker.pick((r) =>
              recs.includes(r) &&
              (row.kind === "float"
                ? r.method === FLOAT_METHOD
                : recordVariantId(r) === row.id && r.bits === b)
            ),
          })).filter((c) => c.rec !== null);
          if (cols.length === 0 || !cols.some((c) => c.row.kind !== "float" || b === FLOAT_BITS)) continue;
          const names = [...new Set(cols.flatMap((c) => files[c.rec!.key] ?? []))].sort();
          const header = `| prompt | ${cols.map((c) => c.row.label).join(" | ")} |`;
          const rule = `| --- | ${cols.map(() => "---").join(" | ")} |`;
          const lines = names.map((n) =>
            `| ${n.replace(/\.png$/, "")} | ${
              cols.map((c) =>
                (files[c.rec!.key] ?? []).includes(n) ? `![](figures/qualitative/${c.rec!.key}/${n})` : "–"
              ).join(" | ")
            } |`
          );
          parts.push(
            `### ${model} · ${ds} · ${mode} · ${formatBits(b)}\n\n${[header, rule, ...lines].join("\n")}\n`,
          );
        }
      }
    }
  }
  return parts.length === 0 ? "" : `## Qualitative results\n\n${parts.join("\n")}`;
}

/** "Protocols: …" over the quantized models (by quantId), or "" when there are none. */
function protocolLine(records: readonly ReportRecord[]): string {
  const byModel = new Map<string, ReportRecord>();
  for (const r of records) if (r.quantId !== null && !byModel.has(r.quantId)) byModel.set(r.quantId, r);
  if (byModel.size === 0) return "";
  const counts = new Map<string, { models: number; deviating: number }>();
  for (const r of byModel.values()) {
    const c = counts.get(r.protocol ?? "unrecorded") ?? { models: 0, deviating: 0 };
    c.models++;
    if (r.protocolDeviations.length > 0) c.deviating++;
    counts.set(r.protocol ?? "unrecorded", c);
  }
  const parts = [...counts.keys()].sort().map((p) => {
    const c = counts.get(p)!;
    return `${p} ${c.models} quantized model${c.models === 1 ? "" : "s"}` +
      (c.deviating > 0 ? ` (${c.deviating} with deviations)` : "");
  });
  return `Protocols (\`quantize/protocols.ts\`; per method and bits in the manifest): ${parts.join(", ")}.`;
}

/**
 * Renders the report.
 *
 * @param input Title, records, manifest, overlay files.
 * @returns Markdown and chart SVGs.
 *
 * @example Usage
 * ```ts ignore
 * const { markdown, charts } = renderReport({ title: "demo", records, manifest: {}, qualitative: {} });
 * ```
 */
export function renderReport(input: RenderReportInput): RenderedReport {
  const { records, manifest } = input;
  const picker = cellPicker(records);
  const data: ReportData = {
    records,
    rows: variantRows(records, manifest),
    models: orderBy(records.map((r) => r.model), (manifest.models ?? []).map((m) => m.name)),
    datasets: orderBy(records.map((r) => r.dataset), manifest.datasets ?? []),
    picker,
  };
  const results = [promptTables(data), detboxTables(data), autoTables(data)].join("");
  const time = quantTimeTables(data);
  const ablations = ablationTables(data);
  const chartList = charts(data);
  const qualitative = qualitativeSection(data, input.qualitative);
  const intro = [
    `# samq report: ${input.title}`,
    "",
    `Rendered from ${records.length} records${manifest.methods ? " and the run's `bench.json`" : ""}. ` +
    "Values are percentages. Rows are methods (float first); **bold** marks the best quantized value per " +
    'column; "not available" rows are methods that are planned but not built yet.',
  ];
  intro.push("", hygieneLine(records));
  const protocols = protocolLine(records);
  if (protocols !== "") intro.push("", protocols);
  const ambiguous = picker.ambiguous();
  if (ambiguous > 0) {
    intro.push("", `Note: ${ambiguous} table cells had several records; the latest one is shown.`);
  }
  const parts = [intro.join("\n") + "\n", `## Results\n\n${results === "" ? "No records.\n" : results}`];
  if (time !== "") parts.push(`## Quantization time\n\n${time}`);
  if (ablations !== "") parts.push(`## Ablations\n\n${ablations}`);
  if (chartList.length > 0) {
    parts.push(`## Figures\n\n${chartList.map((c) => `![mIoU vs bits](${c.file})\n`).join("\n")}`);
  }
  if (qualitative !== "") parts.push(qualitative);
  parts.push(manifestSection(records, data.models));
  // Sections end with blank lines of their own; collapse runs so that the layout is uniform.
  const markdown = parts.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
  return { markdown, charts: chartList };
}
