/**
 * `deno task report runs/NAME`: reads the run folder (records through the run store, `bench.json` when
 * present, qualitative overlays under `figures/qualitative/<key>/`), renders `report.md` and rasterizes
 * the charts to PNG with sharp (`sharp(Buffer.from(svg)).png()`). Every file is written atomically.
 *
 * @module
 */
import { basename, join } from "node:path";
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { SamqError } from "../../util/errors.ts";
import { exists, readJsonFile, writeFileAtomic } from "../../util/fs.ts";
import { collectRecords, type OpenStore } from "../store_like.ts";
import type { ReportManifest } from "./_layout.ts";
import { renderReport } from "./render_report.ts";
import { type ReportRecord, toReportRecord } from "./report_record.ts";
import { parseEvalRecord } from "../../eval/parse_eval_record.ts";

/** What {@link writeReport} wrote. */
export interface WriteReportResult {
  /** Path of `report.md`. */
  report: string;
  /** Paths of the chart PNGs. */
  charts: string[];
  /** Records rendered. */
  records: number;
}

async function listQualitative(dir: string): Promise<Record<string, string[]>> {
  const root = join(dir, "figures", "qualitative");
  const out: Record<string, string[]> = {};
  if (!(await exists(root))) return out;
  for await (const e of Deno.readDir(root)) {
    if (!e.isDirectory) continue;
    const files: string[] = [];
    for await (const f of Deno.readDir(join(root, e.name))) {
      if (f.isFile && f.name.endsWith(".png")) files.push(f.name);
    }
    if (files.length > 0) out[e.name] = files.sort();
  }
  return out;
}

/**
 * Renders the report of a run folder.
 *
 * @param dir The run folder (holding `records.jsonl`).
 * @param options The run-store opener (`openRunStore`).
 * @returns Written paths and the record count.
 * @throws {SamqError} `not_found` when `dir` does not exist; the store's errors (`incompatible`,
 *   `invalid_file`); `invalid_file` for a record the report cannot read.
 */
export async function writeReport(
  dir: string,
  options: { openStore: OpenStore },
): Promise<WriteReportResult> {
  if (!(await exists(dir))) {
    throw new SamqError("not_found", `Cannot report "${dir}": folder does not exist`, { path: dir });
  }
  const store = await options.openStore(dir);
  const storePath = join(dir, "records.jsonl");
  const records: ReportRecord[] = (await collectRecords(store)).map((r, i) => {
    const where = { path: storePath, line: i + 1 };
    return toReportRecord(parseEvalRecord(r, where), where);
  });
  const manifestPath = join(dir, "bench.json");
  const manifest = (await exists(manifestPath))
    ? await readJsonFile(manifestPath) as ReportManifest & {
      config?: { name?: string };
    }
    : {};
  const title = manifest.config?.name ?? basename(dir);
  const { markdown, charts } = renderReport({
    title,
    records,
    manifest,
    qualitative: await listQualitative(dir),
  });
  const written: string[] = [];
  if (charts.length > 0) await Deno.mkdir(join(dir, "figures"), { recursive: true });
  for (const c of charts) {
    const png = await sharp(Buffer.from(c.svg)).png().toBuffer();
    const path = join(dir, c.file);
    await writeFileAtomic(path, new Uint8Array(png));
    written.push(path);
  }
  const report = join(dir, "report.md");
  await writeFileAtomic(report, markdown);
  return { report, charts: written, records: records.length };
}
