/**
 * The report's manifest: what produced the numbers (samq and ONNX Runtime versions, EPs, devices),
 * which models (file sha256 and provenance) and data (dataset hashes), seeds and command lines, all
 * taken from the records and listed in sorted order.
 *
 * @module
 */
import { formatBits } from "../../util/bits.ts";
import { formatOptionValue } from "./_layout.ts";
import { markdownTable } from "./_markdown.ts";
import type { ReportRecord } from "./report_record.ts";

function uniqueSorted(values: Iterable<string | null>): string[] {
  return [...new Set([...values].filter((v): v is string => v !== null))].sort();
}

function list(values: string[]): string {
  return values.length === 0 ? "unknown" : values.map((v) => `\`${v}\``).join(", ");
}

/** A quantized model's protocol with its deviations ("ptq4sam (deviations: …)"); "–" for float. */
export function protocolCell(r: ReportRecord): string {
  if (r.protocol === null) return "–";
  return r.protocolDeviations.length === 0
    ? r.protocol
    : `${r.protocol} (deviations: ${r.protocolDeviations.join("; ")})`;
}

/**
 * Renders the manifest section.
 *
 * @param records Every record of the run.
 * @param models Model names in report order.
 * @returns Markdown starting with "## Manifest".
 */
export function manifestSection(records: readonly ReportRecord[], models: readonly string[]): string {
  const parts: string[] = ["## Manifest\n"];
  const byMode = uniqueSorted(records.map((r) => r.mode)).map((m) =>
    `${m} ${records.filter((r) => r.mode === m).length}`
  );
  parts.push(
    [
      `- records: ${records.length} (${byMode.join(", ")})`,
      `- samq: ${list(uniqueSorted(records.map((r) => r.env.samq)))}`,
      `- ONNX Runtime: ${list(uniqueSorted(records.map((r) => r.env.ort)))}`,
      `- execution providers: ${list(uniqueSorted(records.map((r) => r.env.ep)))}`,
      `- devices: ${list(uniqueSorted(records.map((r) => r.env.device)))}`,
      `- seeds: ${list(uniqueSorted(records.map((r) => (r.seed === null ? null : String(r.seed)))))}`,
      "",
    ].join("\n"),
  );
  const modelRows: string[][] = [];
  for (const model of models) {
    const recs = records.filter((r) => r.model === model && r.quantId === null);
    const files = new Map<string, string>();
    for (const r of recs) for (const [f, h] of Object.entries(r.modelSha256)) files.set(f, h);
    const prov = new Map<string, string>();
    for (const r of recs) for (const [k, v] of Object.entries(r.provenance)) prov.set(k, v);
    const format = uniqueSorted(recs.map((r) => r.modelFormat)).join(", ");
    modelRows.push([
      model,
      format,
      [...files.keys()].sort().map((f) => `${f}: \`${files.get(f)}\``).join("<br>"),
      [...prov.keys()].sort().map((k) => `${k}: ${prov.get(k)}`).join("<br>"),
    ]);
  }
  if (modelRows.length > 0) {
    parts.push(
      `### Float models\n\n${markdownTable(["model", "format", "sha256", "provenance"], modelRows, false)}\n`,
    );
  }
  const quant = new Map<string, string[]>();
  for (const r of records) {
    if (r.quantId === null || quant.has(r.quantId)) continue;
    const options = Object.keys(r.options).sort().map((k) => `${k}=${formatOptionValue(r.options[k])}`).join(
      ", ",
    );
    quant.set(r.quantId, [
      r.model,
      r.method,
      options === "" ? "–" : options,
      formatBits(r.bits),
      r.granularity ?? "–",
      protocolCell(r),
      `\`${r.quantId}\``,
    ]);
  }
  if (quant.size > 0) {
    const rows = [...quant.values()].sort((
      a,
      b,
    ) => (a.join(" ") < b.join(" ") ? -1 : a.join(" ") > b.join(" ") ? 1 : 0));
    parts.push(
      `### Quantized models\n\n${
        markdownTable(["model", "method", "options", "bits", "granularity", "protocol", "id"], rows, false)
      }\n`,
    );
  }
  const data = new Map<string, string[]>();
  for (const r of records) {
    const k = `${r.dataset} ${r.datasetHash}`;
    if (!data.has(k)) {
      data.set(k, [
        r.dataset,
        `\`${r.datasetHash ?? "unknown"}\``,
        String(r.images ?? "–"),
        String(r.objects ?? "–"),
      ]);
    }
  }
  const dataRows = [...data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  parts.push(`### Data\n\n${markdownTable(["dataset", "hash", "images", "objects"], dataRows, false)}\n`);
  const commands = uniqueSorted(records.map((r) => r.command));
  if (commands.length > 0) parts.push(`### Command lines\n\n\`\`\`\n${commands.join("\n")}\n\`\`\`\n`);
  return parts.join("\n");
}
