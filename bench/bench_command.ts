/**
 * The `deno task bench` command with its dependencies injected (the CLI file binds the real ones):
 *
 *   deno task bench --config C [--out DIR] [--shard i/n] [--shard-by job|model] [--dry-run]
 *                   [--skip-report] [config flags, see config_flags.ts]
 *   deno task bench merge OUT SHARD_DIR...
 *
 * Order: flags → config file → flags applied → config parsed → validated against the world (methods,
 * models, datasets, output folder, store) → planned → sharded → `bench.json` written → run → report
 * (whole runs only; shards are merged first). Nothing runs before every check has passed.
 *
 * Default output folder: `<repo>/runs/<name>`, or `<repo>/runs/<name>-shard<i>of<n>` for a shard.
 *
 * @module
 */
import { PROTOCOL_NAMES } from "../quantize/protocols.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SamqError } from "../util/errors.ts";
import { readJsonFile } from "../util/fs.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { benchManifest, writeBenchManifest } from "./bench_manifest.ts";
import { formatBits } from "../util/bits.ts";
import { BENCH_DEFAULTS, parseBenchConfig } from "./config.ts";
import {
  applyBenchFlags,
  BENCH_CONFIG_FLAGS,
  BENCH_REPEATABLE_FLAGS,
  type BenchFlags,
} from "./config_flags.ts";
import { createBenchEnvironment } from "./default_environment.ts";
import { mergeRuns } from "./merge_runs.ts";
import type { MethodCatalog } from "./method_catalog.ts";
import { planBench } from "./plan.ts";
import { createProgress, formatDuration } from "./progress.ts";
import { writeReport } from "./report/write_report.ts";
import { type BenchExecutors, runBench } from "./run.ts";
import { parseShard, SHARD_STRATEGIES, shardPlan, type ShardStrategy } from "./shard.ts";
import type { OpenStore } from "./store_like.ts";
import { type BenchEnvironment, validateBenchConfig } from "./validate_config.ts";

/** What the command needs from outside. */
export interface BenchCommandDeps {
  catalog: MethodCatalog;
  executors: BenchExecutors;
  openStore: OpenStore;
  /** Overrides the real model/dataset resolution (tests). */
  environment?: BenchEnvironment;
  /** Raw log and progress output (stderr); lines carry their own newlines. */
  stderr(text: string): void;
  /** Result output (stdout): `--help`, `--dry-run`, the report path. */
  print(text: string): void;
  /** Whether `log` is a terminal (bars instead of lines). */
  tty: boolean;
  /** Clock in ms for progress. */
  now?: () => number;
}

/** The `--help` text; every default comes from {@link BENCH_DEFAULTS}. */
export function benchUsage(): string {
  const d = BENCH_DEFAULTS;
  const limits = Object.entries(d.limits).map(([k, v]) => `${k}=${v ?? "all"}`).join(",");
  return [
    "Usage: deno task bench --config FILE [--out DIR] [--shard i/n] [--shard-by job|model] [--dry-run]",
    "                       [--skip-report] [--interleave] [config flags]",
    "       deno task bench merge OUT SHARD_DIR...",
    "",
    "Config flags (each replaces the config file's field; defaults apply when neither sets it):",
    "  --name N                run name (default: " + d.name + ")",
    "  --models a,b            installed model names or folders (required without --config)",
    "  --methods m1,m2         method names, float, * = every known method (default: " +
    d.methods.map((m) => m.name).join(",") + ")",
    "  --bits w6a6,w4a4        wXaY settings or float (default: " + d.bits.map(formatBits).join(",") + ")",
    "  --datasets s1,s2        dataset specs (required without --config)",
    "  --modes point,box       point, box, auto, detbox (default: " + d.modes.join(",") + ")",
    "  --limit N|mode=N,...    images per mode, all = no limit (default: " + limits + ")",
    "  --calib SPEC            calibration dataset (default: " + d.calibration.spec + ")",
    "  --calib-n N             calibration images (default: " + d.calibration.n + ")",
    "  --seed S                (default: " + d.seed + ")",
    "  --ep E                  auto, cpu, webgpu, cuda (default: " + d.ep + ")",
    "  --protocol P            " + PROTOCOL_NAMES.join(", ") + " (default: " + d.protocol +
    "; quantize --list describes them)",
    "  --granularity G         per-tensor, per-channel (default: the protocol's; another is a recorded deviation)",
    "  --detections FILE       COCO detector results for detbox (default: GT boxes, oracle)",
    "  --model-cache DIR       shared quantized-model cache (default: <out>/models)",
    "  --qualitative N         overlay PNGs per record (default: " + d.qualitative + ")",
    "  --method-option M.K=V   fixed method option (repeatable)",
    "  --grid M.K=V1,V2        ablation grid values (repeatable)",
    "",
    "--interleave evaluates each quantized model as soon as it is built (a run cut off keeps whole rows).",
    "Shards are 0-based: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT or",
    "--shard $JOB_COMPLETION_INDEX/N; then deno task bench merge OUT SHARD_DIRS... and deno task report OUT.",
  ].join("\n");
}

function quote(a: string): string {
  return /^[A-Za-z0-9_./:=,@%+*-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
}

/** The recorded command line. */
export function benchCommandLine(args: readonly string[]): string {
  return ["deno", "task", "bench", ...args].map(quote).join(" ");
}

function logTo(deps: BenchCommandDeps): (line: string) => void {
  return (line) => deps.stderr(`${line}\n`);
}

async function mergeCommand(args: string[], deps: BenchCommandDeps, command: string): Promise<void> {
  const [out, ...dirs] = args;
  if (out === undefined || dirs.length === 0) {
    throw new SamqError("invalid_argument", "Cannot merge: expected OUT and at least one SHARD_DIR", {
      field: "merge",
    });
  }
  const s = await mergeRuns(out, dirs, { openStore: deps.openStore, command });
  logTo(deps)(
    `merged ${dirs.length} shard(s) into ${out}: ${s.added} records added, ${s.duplicates} duplicates`,
  );
  deps.print(out);
}

/**
 * Runs the command.
 *
 * @param args Command-line arguments (after `deno task bench`).
 * @param deps Catalog, executors, store opener, output.
 * @throws {SamqError} for bad flags, config, models, datasets, folders or stores, before any work.
 */
export async function benchCommand(args: string[], deps: BenchCommandDeps): Promise<void> {
  const command = benchCommandLine(args);
  const log = logTo(deps);
  if (args[0] === "merge") return await mergeCommand(args.slice(1), deps, command);
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {
    config: { type: "string" },
    out: { type: "string" },
    shard: { type: "string" },
    "shard-by": { type: "string" },
    "dry-run": { type: "boolean" },
    "skip-report": { type: "boolean" },
    interleave: { type: "boolean" },
    help: { type: "boolean" },
  };
  for (const f of BENCH_CONFIG_FLAGS) options[f] = { type: "string" };
  for (const f of BENCH_REPEATABLE_FLAGS) options[f] = { type: "string", multiple: true };
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new SamqError("invalid_argument", `Cannot parse arguments: ${(e as Error).message} (see --help)`, {
      cause: e,
    });
  }
  if (values.help) return deps.print(benchUsage());
  const configPath = values.config as string | undefined;
  const raw = configPath === undefined ? undefined : await readJsonFile(configPath);
  const config = parseBenchConfig(
    applyBenchFlags(raw, values as BenchFlags),
    configPath === undefined ? {} : { path: configPath },
  );
  const shard = values.shard === undefined ? null : parseShard(values.shard as string);
  const by = (values["shard-by"] ?? "job") as ShardStrategy;
  if (!SHARD_STRATEGIES.includes(by)) {
    throw new SamqError("invalid_argument", `Cannot use --shard-by "${by}": expected job or model`, {
      field: "shard-by",
    });
  }
  const out = (values.out as string | undefined) ??
    join(
      REPO_ROOT,
      "runs",
      shard === null ? config.name : `${config.name}-shard${shard.index}of${shard.count}`,
    );
  const env = deps.environment ?? createBenchEnvironment(deps.catalog, deps.openStore);
  const bench = await validateBenchConfig(config, { out, configPath: configPath ?? null, env });
  const full = planBench(bench);
  const plan = shard === null ? full : shardPlan(full, shard, by);
  const records = plan.evaluate.reduce((n, j) => n + j.modes.length, 0);
  const planned = bench.variants.filter((v) => v.status === "planned").map((v) => v.method);
  log(
    `bench ${config.name}: ${plan.quantize.length} quantize jobs, ${plan.evaluate.length} evaluate passes ` +
      `(${records} records)${
        shard === null ? "" : ` in shard ${shard.index}/${shard.count} of ${full.evaluate.length} passes`
      } → ${out}`,
  );
  if (planned.length > 0) log(`not available yet (reported as such): ${[...new Set(planned)].join(", ")}`);
  if (values["dry-run"]) {
    for (const q of plan.quantize) {
      deps.print(`quantize ${q.key.slice(0, 12)} ${q.model.name} ${q.variant.method} ${q.bits}`);
    }
    for (const j of plan.evaluate) {
      deps.print(
        `evaluate ${j.key.slice(0, 12)} ${j.model.name} ${j.variant.method} ${j.bits} ${j.datasetSpec} ` +
          j.modes.map((m) => m.mode).join("+"),
      );
    }
    return;
  }
  await writeBenchManifest(
    out,
    benchManifest(bench, plan, { command, shard: (values.shard as string | undefined) ?? null }),
  );
  const t0 = (deps.now ?? (() => performance.now()))();
  const summary = await runBench(plan, {
    executors: deps.executors,
    store: bench.store,
    command,
    progress: createProgress({ write: deps.stderr, tty: deps.tty, ...(deps.now ? { now: deps.now } : {}) }),
    cleanStaleTemps: config.modelCache === null,
    interleave: values.interleave === true,
  });
  const secs = ((deps.now ?? (() => performance.now()))() - t0) / 1000;
  log(
    `done in ${formatDuration(secs)}: ${summary.quantized} quantized, ${summary.reused} reused, ` +
      `${summary.evaluated} records added, ${summary.skipped} already present`,
  );
  if (shard !== null || values["skip-report"]) return deps.print(out);
  const report = await writeReport(out, { openStore: deps.openStore });
  deps.print(report.report);
}
