/**
 * kill -9 at seeded random moments of `deno task bench` and `deno task quantize` on the tiny fixture
 * with closed-form methods, then a rerun: the result must equal an uninterrupted run's, up to the fields
 * that legitimately differ between runs (wall times, dates, folder names, hashes over quant.json; see
 * `tests/_run_compare.ts`), and no temp or staging file may remain.
 *
 * The CLI entry is run as `deno run -A cli/<entry>` (what the task runs): killing `deno task` would kill
 * the task runner and leave its child running. The default suite kills each command at one or two
 * moments; `SAMQ_SLOW_TESTS=1` adds more. The moments are uniform over the reference run's wall time, so
 * they fall in every phase (start-up, calibration, writing, evaluation, report).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";
import { createPrng } from "../util/prng.ts";
import { SLOW_TESTS } from "../util/test_env.ts";
import { TINY_OFFICIAL, withTmp } from "./_bad_input.ts";
import { runCliFile } from "../util/test_cli.ts";
import { comparableRecords, comparableTree, leftovers } from "./_run_compare.ts";

const SEEDS = SLOW_TESTS ? [1, 2, 3, 4, 5, 6] : [1];

/** Starts the CLI, kills it with SIGKILL after `ms` (if still running); true when the kill came first. */
async function killAfter(
  entry: string,
  args: string[],
  ms: number,
  env: Record<string, string>,
): Promise<boolean> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "cli", entry), ...args],
    cwd: REPO_ROOT,
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
      killed = true;
    } catch { /* already exited */ }
  }, ms);
  const status = await child.status;
  clearTimeout(timer);
  return killed && status.signal === "SIGKILL";
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

Deno.test("bench killed with SIGKILL at random moments resumes to the store of an uninterrupted run", async () => {
  await withTmp(async (tmp) => {
    const config = join(tmp, "bench.json");
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        name: "interrupt",
        models: [TINY_OFFICIAL],
        methods: ["float", "minmax", "percentile"],
        bits: ["w4a4"],
        datasets: ["synthetic:seed=101,n=2,size=64"],
        modes: ["point", "box"],
        calibration: { spec: "synthetic:seed=102,n=2,size=64", n: 2 },
        ep: "cpu",
      }),
    );
    const env = { SAMQ_CACHE: join(tmp, "cache") };
    const ref = join(tmp, "ref");
    const [first, wallMs] = await timed(() =>
      runCliFile("bench.ts", ["--config", config, "--out", ref], { env })
    );
    assert.equal(first.code, 0, first.stderr);
    const want = { records: await comparableRecords(ref), tree: await comparableTree(ref) };
    let kills = 0;
    for (const seed of SEEDS) {
      const out = join(tmp, `run-${seed}`);
      const ms = 300 + createPrng(seed).next() * Math.max(0, wallMs - 300);
      const killed = await killAfter("bench.ts", ["--config", config, "--out", out], ms, env);
      if (killed) kills++;
      const rerun = await runCliFile("bench.ts", ["--config", config, "--out", out], { env });
      const ctx = `seed ${seed}: killed after ${ms.toFixed(0)} ms (${killed ? "killed" : "had finished"})`;
      assert.equal(rerun.code, 0, `${ctx}\n${rerun.stderr}`);
      assert.deepEqual(await leftovers(out), [], ctx);
      assert.deepEqual(await comparableRecords(out), want.records, ctx);
      assert.deepEqual(await comparableTree(out), want.tree, ctx);
    }
    assert.ok(kills > 0, "every run finished before its kill: nothing was interrupted");
  });
});

Deno.test("quantize killed with SIGKILL at random moments reruns to the folder of an uninterrupted run", async () => {
  await withTmp(async (tmp) => {
    const args = (out: string) => [
      ...[
        "--model",
        TINY_OFFICIAL,
        "--method",
        "percentile",
        "--bits",
        "w4a4",
        "--calib",
        "synthetic:seed=103,n=2,size=64",
      ],
      ...[
        "--n",
        "2",
        "--eval-data",
        "none",
        "--prompts-per-image",
        "1",
        "--audit-images",
        "1",
        "--ep",
        "cpu",
      ],
      ...["--out", out],
    ];
    const env = { SAMQ_CACHE: join(tmp, "cache") };
    const [first, wallMs] = await timed(() =>
      runCliFile("quantize.ts", args(join(tmp, "ref", "q")), { env })
    );
    assert.equal(first.code, 0, first.stderr);
    const want = await comparableTree(join(tmp, "ref", "q"));
    let kills = 0;
    for (const seed of SLOW_TESTS ? [...SEEDS, 7, 8, 9, 10] : [1, 2]) {
      const parent = join(tmp, `run-${seed}`);
      const ms = 200 + createPrng(seed).next() * Math.max(0, wallMs - 200);
      const killed = await killAfter("quantize.ts", args(join(parent, "q")), ms, env);
      if (killed) kills++;
      // What a run killed while writing leaves (its process is gone): the rerun removes it.
      await Deno.mkdir(join(parent, "q.tmp-4194303-1"), { recursive: true });
      // A kill after the final rename leaves a complete folder: --force replaces it either way.
      const rerun = await runCliFile("quantize.ts", [...args(join(parent, "q")), "--force"], { env });
      const ctx = `seed ${seed}: killed after ${ms.toFixed(0)} ms (${killed ? "killed" : "had finished"})`;
      assert.equal(rerun.code, 0, `${ctx}\n${rerun.stderr}`);
      assert.deepEqual(
        [...Deno.readDirSync(parent)].map((e) => e.name),
        ["q"],
        `${ctx}: stale folders beside the output`,
      );
      assert.deepEqual(await comparableTree(join(parent, "q")), want, ctx);
    }
    assert.ok(kills > 0, "every run finished before its kill: nothing was interrupted");
  });
});
