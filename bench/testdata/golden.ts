/**
 * The golden report fixture: the config its records came from and the rendering used by the golden
 * test and by `make_golden.ts` (records + `bench.json` of this folder, plus two records' qualitative
 * overlay names, so that every report section appears).
 *
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import type { ReportManifest } from "../report/_layout.ts";
import { parseReportRecords, type ReportRecord } from "../report/report_record.ts";
import { type RenderedReport, renderReport } from "../report/render_report.ts";
import { smallConfig } from "../_test_helpers.ts";

/** Folder of the fixture. */
export const GOLDEN_DIR = join(REPO_ROOT, "bench", "testdata");

/** The config of the fixed store: 2 methods (one with a 2×2 λ/α grid), a planned one, all modes. */
export function goldenConfig(): Record<string, unknown> {
  return smallConfig({
    name: "golden",
    methods: [
      "float",
      "minmax",
      { name: "pq-sam-s", grid: { lambda: [6, 10], alpha: [0.2, 0.3] } },
      "qdrop",
    ],
  });
}

/** The fixed store's records. */
export async function goldenRecords(): Promise<ReportRecord[]> {
  const path = join(GOLDEN_DIR, "records.jsonl");
  return parseReportRecords(await Deno.readTextFile(path), path);
}

/** Renders the fixed store (optionally with other records). */
export async function renderGolden(records?: ReportRecord[]): Promise<RenderedReport> {
  const recs = records ?? await goldenRecords();
  const manifest = JSON.parse(await Deno.readTextFile(join(GOLDEN_DIR, "bench.json"))) as ReportManifest;
  const point = recs.filter((r) =>
    r.mode === "point" && (r.method === "float" || (r.method === "minmax" && r.bits === "w4a4"))
  );
  const qualitative = Object.fromEntries(point.map((r) => [r.key, ["1_2.png", "3_4.png"]]));
  return renderReport({ title: "golden", records: recs, manifest, qualitative });
}
