/**
 * Test helpers that compare two runs' outputs (bench run folders, quantized model folders) with the
 * fields that legitimately differ between runs taken out:
 *
 * - wall times: records' `timing`, `bench.quantWallTimeMs`, `quant.json` `timingsMs` and the seconds
 *   in learned methods' summary notes, `bench-quantize.json` `wallTimeMs`/`measuredMs`, and the
 *   report's "Quantization time" cells;
 * - when and where: `createdAt`, `command` (names the output folder), `model.dir` (the run's own
 *   `models/<key>` folder), `bench.json` `command`;
 * - hashes over `quant.json`, which holds the wall times: a record's `model.quant.sha256` and
 *   `bench.recordKey` (the evaluation's own key, computed from the evaluated files' hashes).
 *
 * Everything else must be identical: metrics, counts, keys, env (same machine), ONNX bytes, sam.json,
 * figures.
 *
 * @module
 */
import { join, relative } from "node:path";
import { normalizedRecords } from "../bench/_test_helpers.ts";
import { sha256Text } from "../util/hash.ts";
import { snapshotTree } from "./_bad_input.ts";

/** Records of a run store, in order, without the run-dependent fields (see the module doc). */
export async function comparableRecords(dir: string): Promise<unknown[]> {
  return (await normalizedRecords(dir)).map((r) => {
    const { timing: _t, createdAt: _c, ...rest } = r as Record<string, unknown>;
    const model = { ...(rest.model as Record<string, unknown>) };
    if (model.quant !== undefined) {
      const { sha256: _s, ...quant } = model.quant as Record<string, unknown>;
      model.quant = quant;
    }
    const out: Record<string, unknown> = { ...rest, model };
    if (rest.bench !== undefined) {
      const { quantWallTimeMs: _q, recordKey: _k, ...bench } = rest.bench as Record<string, unknown>;
      out.bench = bench;
    }
    return out;
  });
}

function withoutKeys(text: string, keys: string[]): string {
  const o = JSON.parse(text) as Record<string, unknown>;
  for (const k of keys) delete o[k];
  return JSON.stringify(o);
}

/**
 * Every file under `dir` (relative path → sha256) with run-dependent content normalized first;
 * `records.jsonl` is left out (compare it with {@link comparableRecords}).
 */
export async function comparableTree(dir: string): Promise<Record<string, string>> {
  const tree = await snapshotTree(dir);
  const out: Record<string, string> = {};
  for (const [rel, v] of Object.entries(tree)) {
    if (rel === "records.jsonl") continue;
    const name = rel.split("/").pop()!;
    const path = join(dir, rel);
    if (name === "quant.json") {
      out[rel] = sha256Text(JSON.stringify(comparableQuantJson(await Deno.readTextFile(path))));
    } else if (name === "bench-quantize.json") {
      out[rel] = sha256Text(withoutKeys(await Deno.readTextFile(path), ["wallTimeMs", "measuredMs"]));
    } else if (name === "bench.json") {
      out[rel] = sha256Text(withoutKeys(await Deno.readTextFile(path), ["command"]));
    } else if (name === "report.md") out[rel] = normalizedReport(await Deno.readTextFile(path), dir);
    else out[rel] = v;
  }
  return out;
}

/** The report with its quantization wall times and the run folder's path replaced. */
export function normalizedReport(text: string, dir: string): string {
  const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`${escaped}(?![\\w.-])`, "g"), "<run>")
    .replace(/\| \d+(\.\d+)? (ms|s|min|h) \|/g, "| <time> |");
}

/**
 * `quant.json` without `timingsMs`, and with the wall times that learned methods write into their
 * summary notes ("…, 2.0 s (0.05 s per step)", "…, 3.8 s") replaced.
 */
export function comparableQuantJson(text: string): Record<string, unknown> {
  const q = JSON.parse(text) as Record<string, unknown>;
  delete q.timingsMs;
  if (Array.isArray(q.notes)) {
    q.notes = q.notes.map((n) =>
      typeof n === "string" ? n.replace(/\b\d+(\.\d+)? s\b( \(\d+(\.\d+)? s per step\))?/g, "<time>") : n
    );
  }
  return q;
}

/** Paths under `dir` that a killed process may leave behind: temp files and staging folders. */
export async function leftovers(dir: string): Promise<string[]> {
  return Object.keys(await snapshotTree(dir)).filter((p) => /\.tmp|\.staging-|\.old-/.test(relative(".", p)));
}
