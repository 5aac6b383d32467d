/**
 * `<out>/bench.json`: what a run was asked to do, written before the work starts. The report reads it
 * (when present) for what records cannot say: the method order of the config, methods that are planned
 * but not built ("not available" rows), and the order of ablation grid axes.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/fs.ts";
import type { JsonValue } from "./_canonical_json.ts";
import type { BenchConfig } from "./config.ts";
import type { BenchPlan } from "./plan.ts";
import {
  BENCH_RUN_SCHEMA,
  type MethodVariant,
  type ResolvedBench,
  type ResolvedModel,
} from "./validate_config.ts";

/** The contents of `bench.json`. */
export interface BenchManifest {
  schema: typeof BENCH_RUN_SCHEMA;
  config: BenchConfig;
  configPath: string | null;
  /** Command line of the latest invocation that wrote this file. */
  command: string;
  /** "i/n" for a shard, null for a whole run or a merge. */
  shard: string | null;
  /** Method variants in config order. */
  methods: MethodVariant[];
  /** Method → grid option names in config order (only methods with a grid). */
  gridKeys: Record<string, string[]>;
  models: ResolvedModel[];
  /** Dataset specs actually used, in config order (fallbacks applied). */
  datasets: string[];
  calibration: { spec: string; n: number; hash: string } | null;
  /** Record keys of this process's evaluate jobs (every mode), in plan order. */
  evaluateKeys: string[];
  /** Keys of this process's quantize jobs, in plan order. */
  quantizeKeys: string[];
}

/**
 * Builds the manifest of a run.
 *
 * @param bench The resolved bench.
 * @param plan The plan this process executes (a shard's plan for a shard).
 * @param options Command line and shard label.
 * @returns The manifest (JSON-serializable).
 */
export function benchManifest(
  bench: ResolvedBench,
  plan: BenchPlan,
  options: { command: string; shard: string | null },
): BenchManifest {
  const gridKeys: Record<string, string[]> = {};
  for (const m of bench.config.methods) {
    const keys = Object.keys(m.grid);
    if (keys.length > 0) gridKeys[m.name] = keys;
  }
  const datasets: string[] = [];
  for (const byMode of bench.datasets) {
    for (const d of Object.values(byMode)) if (!datasets.includes(d.spec)) datasets.push(d.spec);
  }
  return {
    schema: BENCH_RUN_SCHEMA,
    config: bench.config,
    configPath: bench.configPath,
    command: options.command,
    shard: options.shard,
    methods: bench.variants,
    gridKeys,
    models: bench.models,
    datasets,
    calibration: bench.calibration === null
      ? null
      : { spec: bench.calibration.spec, n: bench.config.calibration.n, hash: bench.calibration.hash },
    evaluateKeys: plan.evaluate.flatMap((j) => j.modes.map((m) => m.key)),
    quantizeKeys: plan.quantize.map((j) => j.key),
  };
}

/** Writes `<out>/bench.json` atomically. */
export async function writeBenchManifest(out: string, manifest: BenchManifest | JsonValue): Promise<void> {
  await writeFileAtomic(join(out, "bench.json"), JSON.stringify(manifest, null, 2) + "\n");
}
