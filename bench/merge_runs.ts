/**
 * `deno task bench merge OUT SHARD_DIRS...`: joins the run stores of shards into one run folder.
 *
 * - Records are deduplicated by key. The same key with different `metrics` or `counts` is a conflict and
 *   an error (the evaluation is deterministic, so two records of one key must agree); otherwise the first
 *   one is kept (OUT's own records first, then the shards in argument order).
 * - New records are appended in key order, so the merged store does not depend on shard order or on
 *   which shard finished first.
 * - `bench.json`: the shards must share one config (else `incompatible`); OUT gets it with `shard: null`
 *   and the union of the shards' evaluate keys.
 * - Qualitative figures (`figures/qualitative/<key>/`) are copied when OUT lacks them. Quantized models are
 *   not copied (records and figures are all a report needs).
 *
 * Merging again with the same inputs adds nothing (idempotent).
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists, readJsonFile } from "../util/fs.ts";
import { canonicalJson } from "./_canonical_json.ts";
import { type BenchManifest, writeBenchManifest } from "./bench_manifest.ts";
import { collectRecords, type OpenStore, type RecordLike } from "./store_like.ts";

/** What a merge did. */
export interface MergeSummary {
  /** Records appended to OUT. */
  added: number;
  /** Records seen more than once (kept once). */
  duplicates: number;
  /** Figure folders copied. */
  figures: number;
}

function agreementOf(r: RecordLike): string {
  return canonicalJson({ metrics: r.metrics ?? null, counts: r.counts ?? null });
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(join(from, e.name), join(to, e.name));
    else if (e.isFile) await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

async function mergeManifests(out: string, dirs: readonly string[], command: string): Promise<void> {
  let merged: BenchManifest | null = null;
  let from = "";
  for (const dir of dirs) {
    const path = join(dir, "bench.json");
    if (!(await exists(path))) continue;
    const m = await readJsonFile(path) as BenchManifest;
    if (merged === null) {
      merged = {
        ...m,
        shard: null,
        command,
        evaluateKeys: [...m.evaluateKeys],
        quantizeKeys: [...m.quantizeKeys],
      };
      from = path;
      continue;
    }
    if (canonicalJson(m.config) !== canonicalJson(merged.config)) {
      throw new SamqError(
        "incompatible",
        `Cannot merge "${path}": its config differs from the one in "${from}" (shards of one run share a config)`,
        { path, field: "config" },
      );
    }
    for (const k of m.evaluateKeys) if (!merged.evaluateKeys.includes(k)) merged.evaluateKeys.push(k);
    for (const k of m.quantizeKeys) if (!merged.quantizeKeys.includes(k)) merged.quantizeKeys.push(k);
  }
  if (merged !== null) await writeBenchManifest(out, merged);
}

/**
 * Merges shard run folders into `out`.
 *
 * @param out The merged run folder (created if needed; may already hold records).
 * @param shardDirs Shard run folders.
 * @param options The store opener and the command line for `bench.json`.
 * @returns Counts.
 * @throws {SamqError} `not_found` for a missing shard folder; `incompatible` for a record conflict (field
 *   "key") or shards with different configs (field "config"); the store's errors for unreadable stores.
 *
 * @example Usage
 * ```ts ignore
 * await mergeRuns("runs/demo", ["runs/demo-0", "runs/demo-1"], { openStore: openRunStore, command });
 * ```
 */
export async function mergeRuns(
  out: string,
  shardDirs: readonly string[],
  options: { openStore: OpenStore; command: string },
): Promise<MergeSummary> {
  for (const dir of shardDirs) {
    if (!(await exists(dir))) {
      throw new SamqError("not_found", `Cannot merge "${dir}": folder does not exist`, { path: dir });
    }
  }
  await Deno.mkdir(out, { recursive: true });
  const target = await options.openStore(out);
  const seen = new Map<string, { record: RecordLike; from: string }>();
  for (const r of await collectRecords(target)) seen.set(r.key, { record: r, from: out });
  const fresh: RecordLike[] = [];
  let duplicates = 0;
  for (const dir of shardDirs) {
    for (const r of await collectRecords(await options.openStore(dir))) {
      const prev = seen.get(r.key);
      if (prev === undefined) {
        seen.set(r.key, { record: r, from: dir });
        fresh.push(r);
        continue;
      }
      duplicates++;
      if (agreementOf(prev.record) !== agreementOf(r)) {
        throw new SamqError(
          "incompatible",
          `Cannot merge "${dir}": record "${r.key}" has other metrics than in "${prev.from}"`,
          { path: dir, field: "key" },
        );
      }
    }
  }
  fresh.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const r of fresh) await target.append(r);
  let figures = 0;
  for (const dir of shardDirs) {
    const q = join(dir, "figures", "qualitative");
    if (!(await exists(q))) continue;
    for await (const e of Deno.readDir(q)) {
      const dest = join(out, "figures", "qualitative", e.name);
      if (!e.isDirectory || await exists(dest)) continue;
      await copyDir(join(q, e.name), dest);
      figures++;
    }
  }
  await mergeManifests(out, shardDirs, options.command);
  return { added: fresh.length, duplicates, figures };
}
