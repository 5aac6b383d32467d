/**
 * Deterministic sharding of a plan over n processes (n GPUs of a host, a Slurm job array, a Kubernetes
 * Indexed Job). Shard i (0-based) of n takes:
 *
 * - `by: "job"` (default): the evaluate jobs whose plan index satisfies `index mod n = i`;
 * - `by: "model"`: the evaluate jobs of the evaluated models (float model or quantize key) whose position
 *   among the plan's distinct models satisfies `position mod n = i`, so each quantized model is built
 *   by exactly one shard (fewer jobs per shard than `n` means idle shards).
 *
 * and then the quantize jobs its evaluate jobs need, in plan order. With `by: "job"` two shards may build
 * the same quantized model; the key names the folder, so both build the same bytes and whichever renames
 * its temp folder into place second discards its copy (idempotent; wasted time, never a wrong model).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { BenchPlan } from "./plan.ts";

/** How jobs are dealt to shards. */
export const SHARD_STRATEGIES = ["job", "model"] as const;
/** One of {@link SHARD_STRATEGIES}. */
export type ShardStrategy = typeof SHARD_STRATEGIES[number];

/** Shard i (0-based) of n. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `i/n` (0 ≤ i < n), e.g. `--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`.
 *
 * @param text The flag value.
 * @returns The shard.
 * @throws {SamqError} `invalid_argument` (field "shard") for anything else.
 *
 * @example Usage
 * ```ts
 * import { parseShard } from "./shard.ts";
 * parseShard("1/4"); // { index: 1, count: 4 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot parse --shard "${text}": expected i/n with 0 <= i < n (0-based, e.g. 0/2 and 1/2)`,
      { field: "shard" },
    );
  }
  return { index, count };
}

/**
 * Restricts a plan to one shard; job `index` fields keep their full-plan values.
 *
 * @param plan The full plan.
 * @param shard Which shard.
 * @param by Dealing rule.
 * @returns The shard's plan.
 */
export function shardPlan(plan: BenchPlan, shard: Shard, by: ShardStrategy = "job"): BenchPlan {
  const groups: string[] = [];
  const groupOf = (quantizeKey: string | null, modelSha: string) => quantizeKey ?? `float:${modelSha}`;
  for (const j of plan.evaluate) {
    const g = groupOf(j.quantizeKey, j.model.sha256);
    if (!groups.includes(g)) groups.push(g);
  }
  const evaluate = plan.evaluate.filter((j) =>
    by === "job"
      ? j.index % shard.count === shard.index
      : groups.indexOf(groupOf(j.quantizeKey, j.model.sha256)) % shard.count === shard.index
  );
  const needed = new Set(evaluate.map((j) => j.quantizeKey));
  return { quantize: plan.quantize.filter((q) => needed.has(q.key)), evaluate };
}
