/**
 * `deno task bench`: experiment configs (models × methods × bits × datasets × modes), the work plan with
 * content keys, deterministic shards, the resumable runner with injected executors, shard merging, and
 * reports (`report/`). See `README.md` for the command lines and the Slurm / Kubernetes recipes.
 *
 * @example Usage
 * ```ts ignore
 * import { createBenchEnvironment, parseBenchConfig, planBench, runBench, validateBenchConfig } from "./mod.ts";
 * const config = parseBenchConfig(raw, { path: "bench/configs/demo.json" });
 * const bench = await validateBenchConfig(config, { out: "runs/demo", configPath: null, env });
 * await runBench(planBench(bench), { executors, store: bench.store, command: "deno task bench ..." });
 * ```
 *
 * @module
 */
export * from "./bench_command.ts";
export * from "./bench_manifest.ts";
export * from "./config.ts";
export * from "./config_flags.ts";
export * from "./default_environment.ts";
export * from "./merge_runs.ts";
export * from "./method_catalog.ts";
export * from "./plan.ts";
export * from "./progress.ts";
export * from "./real_executors.ts";
export * from "./registry_catalog.ts";
export * from "./run.ts";
export * from "./shard.ts";
export * from "./store_like.ts";
export * from "./validate_config.ts";
export * from "./report/mod.ts";
