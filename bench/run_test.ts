import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";
import { parseBenchConfig } from "./config.ts";
import { createBenchEnvironment } from "./default_environment.ts";
import { createFakeExecutors } from "./fake_executors.ts";
import { planBench } from "./plan.ts";
import { createProgress } from "./progress.ts";
import { type BenchExecutors, runBench } from "./run.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import { validateBenchConfig } from "./validate_config.ts";
import { normalizedRecords, runFakeBench, smallConfig, testCatalog, writeConfig } from "./_test_helpers.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-run-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function lineCount(path: string): Promise<number> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").filter((l) => l !== "").length;
}

function byKey<T extends { key: string }>(xs: T[]): T[] {
  return [...xs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

Deno.test("runBench() resumes after an interruption with the same records and no duplicates", async () => {
  await withTemp(async (dir) => {
    const config = await writeConfig(dir, smallConfig());
    await runFakeBench(["--config", config, "--out", join(dir, "whole"), "--skip-report"]);
    const whole = await normalizedRecords(join(dir, "whole"));
    assert.equal(whole.length, 28);
    const out = join(dir, "resumed");
    await assert.rejects(
      () => runFakeBench(["--config", config, "--out", out, "--skip-report"], { failAfterRecords: 11 }),
      /interrupted after 11 records/,
    );
    assert.equal(await lineCount(join(out, "records.jsonl")), 11);
    const calls: string[] = [];
    await runFakeBench(["--config", config, "--out", out, "--skip-report"], {
      onJob: (kind) => calls.push(kind),
    });
    assert.equal(
      calls.filter((c) => c === "quantize").length,
      0,
      "quantized models are reused from the cache",
    );
    const resumed = await normalizedRecords(out);
    assert.equal(resumed.length, 28);
    assert.equal(new Set(resumed.map((r) => r.key)).size, 28, "no duplicate keys");
    assert.deepEqual(resumed, whole, "same records in the same order");
    // A third run finds everything done.
    calls.length = 0;
    await runFakeBench(["--config", config, "--out", out, "--skip-report"], {
      onJob: (kind) => calls.push(kind),
    });
    assert.deepEqual(calls, []);
    assert.equal(await lineCount(join(out, "records.jsonl")), 28);
  });
});

Deno.test("runBench() finishes the work of a bench killed with SIGKILL", async () => {
  await withTemp(async (dir) => {
    const config = await writeConfig(dir, smallConfig());
    await runFakeBench(["--config", config, "--out", join(dir, "whole"), "--skip-report"]);
    const out = join(dir, "killed");
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(REPO_ROOT, "bench", "testdata", "fake_bench.ts"),
        "--config",
        config,
        "--out",
        out,
      ],
      env: { SAMQ_FAKE_DELAY_MS: "60" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const t0 = Date.now();
    while ((await lineCount(join(out, "records.jsonl"))) < 5 && Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");
    const before = await lineCount(join(out, "records.jsonl"));
    assert.ok(before >= 5 && before < 28, `killed mid-run (${before} records)`);
    await runFakeBench(["--config", config, "--out", out, "--skip-report"]);
    const resumed = await normalizedRecords(out);
    assert.equal(new Set(resumed.map((r) => r.key)).size, resumed.length, "no duplicate keys");
    assert.deepEqual(resumed, await normalizedRecords(join(dir, "whole")));
  });
});

Deno.test("bench shards 0/2 and 1/2 merged equal one unsharded run", async () => {
  await withTemp(async (dir) => {
    const config = await writeConfig(dir, smallConfig());
    await runFakeBench(["--config", config, "--out", join(dir, "whole"), "--skip-report"]);
    for (const i of [0, 1]) {
      await runFakeBench(["--config", config, "--out", join(dir, `s${i}`), "--shard", `${i}/2`]);
    }
    const s0 = await normalizedRecords(join(dir, "s0"));
    const s1 = await normalizedRecords(join(dir, "s1"));
    assert.ok(s0.length > 0 && s1.length > 0);
    assert.ok(s0.every((r) => !s1.some((x) => x.key === r.key)), "shards do disjoint work");
    await runFakeBench(["merge", join(dir, "merged"), join(dir, "s1"), join(dir, "s0")]);
    const merged = await normalizedRecords(join(dir, "merged"));
    assert.deepEqual(merged, byKey(merged), "merged store is in key order");
    assert.deepEqual(merged, byKey(await normalizedRecords(join(dir, "whole"))));
    // Merging again adds nothing; the merged manifest covers both shards.
    await runFakeBench(["merge", join(dir, "merged"), join(dir, "s0"), join(dir, "s1")]);
    assert.equal(await lineCount(join(dir, "merged", "records.jsonl")), 28);
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, "merged", "bench.json")));
    assert.equal(manifest.shard, null);
    assert.equal(manifest.evaluateKeys.length, 28);
  });
});

Deno.test("mergeRuns() refuses records that disagree and shards of different configs", async () => {
  await withTemp(async (dir) => {
    const config = await writeConfig(dir, smallConfig());
    await runFakeBench(["--config", config, "--out", join(dir, "a"), "--skip-report", "--shard", "0/2"]);
    const lines = (await Deno.readTextFile(join(dir, "a", "records.jsonl"))).trim().split("\n");
    const r = JSON.parse(lines[0]!);
    r.metrics.mIoU = 0.123;
    await Deno.mkdir(join(dir, "b"));
    await Deno.writeTextFile(join(dir, "b", "records.jsonl"), JSON.stringify(r) + "\n");
    await assert.rejects(
      () => runFakeBench(["merge", join(dir, "m"), join(dir, "a"), join(dir, "b")]),
      (e) =>
        e instanceof Error && (e as { code?: string }).code === "incompatible" &&
        /other metrics/.test(e.message),
    );
    const other = await writeConfig(dir, smallConfig({ seed: 5 }), "other.json");
    await runFakeBench(["--config", other, "--out", join(dir, "c"), "--skip-report", "--shard", "1/2"]);
    await assert.rejects(
      () => runFakeBench(["merge", join(dir, "m2"), join(dir, "a"), join(dir, "c")]),
      (e) => (e as { field?: string }).field === "config",
    );
    await assert.rejects(
      () => runFakeBench(["merge", join(dir, "m3"), join(dir, "missing")]),
      (e) => (e as { code?: string }).code === "not_found",
    );
  });
});

Deno.test("runBench() renames a finished model into place and leaves no temp folder on failure", async () => {
  await withTemp(async (dir) => {
    const env = createBenchEnvironment(testCatalog(), (d) => openEvalStore(d));
    const raw = smallConfig({ methods: ["minmax"], bits: ["w4a4"], modes: ["point"] });
    const bench = await validateBenchConfig(parseBenchConfig(raw), { out: dir, configPath: null, env });
    const plan = planBench(bench);
    const fake = createFakeExecutors();
    const failing: BenchExecutors = {
      ...fake,
      async quantize(_job, ctx) {
        await Deno.writeTextFile(join(ctx.outDir, "partial.onnx"), "x");
        throw new Error("quantizer crashed");
      },
    };
    await assert.rejects(
      () => runBench(plan, { executors: failing, store: bench.store, command: "t" }),
      /crashed/,
    );
    assert.deepEqual(
      await Array.fromAsync(Deno.readDir(join(dir, "models"))),
      [],
      "no model, no temp folder",
    );
    const s = await runBench(plan, { executors: fake, store: bench.store, command: "t" });
    assert.deepEqual(s, { quantized: 1, reused: 0, unneeded: 0, evaluated: 1, skipped: 0 });
    const names = (await Array.fromAsync(Deno.readDir(plan.quantize[0]!.modelDir))).map((e) => e.name).sort();
    assert.deepEqual(names, ["bench-quantize.json", "quant.json", "sam.json"]);
    // Model deleted but the record exists: nothing to do, the model is not rebuilt.
    await Deno.remove(plan.quantize[0]!.modelDir, { recursive: true });
    const again = await runBench(plan, { executors: fake, store: bench.store, command: "t" });
    assert.deepEqual(again, { quantized: 0, reused: 0, unneeded: 1, evaluated: 0, skipped: 1 });
  });
});

Deno.test("runBench() reports progress as plain lines with an ETA", async () => {
  await withTemp(async (dir) => {
    const env = createBenchEnvironment(testCatalog(), (d) => openEvalStore(d));
    const raw = smallConfig({ methods: ["float", "minmax"], bits: ["w4a4"], modes: ["point"] });
    const bench = await validateBenchConfig(parseBenchConfig(raw), { out: dir, configPath: null, env });
    let t = 0;
    const out: string[] = [];
    const fake = createFakeExecutors({ onJob: () => (t += 10_000) });
    const progress = createProgress({ write: (s) => out.push(s), now: () => t });
    await runBench(planBench(bench), { executors: fake, store: bench.store, command: "t", progress });
    assert.deepEqual(out, [
      "quantize: 1 job\n",
      "quantize 1/1 tiny-official minmax w4a4 (10s, ETA 0s)\n",
      "evaluate: 2 jobs\n",
      "evaluate 1/2 tiny-official float fp32 synthetic:seed=61,n=3,size=48 point (10s, ETA 10s)\n",
      "evaluate 2/2 tiny-official minmax w4a4 synthetic:seed=61,n=3,size=48 point (10s, ETA 0s)\n",
    ]);
  });
});

Deno.test("createProgress() redraws one bar per phase on a TTY", () => {
  let t = 0;
  const out: string[] = [];
  const p = createProgress({ write: (s) => out.push(s), tty: true, now: () => t, barWidth: 4 });
  p.phase("evaluate", 2);
  p.start("a");
  t = 30_000;
  p.done("a");
  p.end();
  assert.deepEqual(out, [
    "\r\x1b[2Kevaluate [----] 0/2 0s ETA ? ",
    "\r\x1b[2Kevaluate [----] 0/2 0s ETA ? a",
    "\r\x1b[2Kevaluate [##--] 1/2 30s ETA 30s a",
    "\r\x1b[2Kevaluate [##--] 1/2 30s ETA 30s ",
    "\n",
  ]);
});

Deno.test("runBench() --interleave evaluates each model right after building it, with the same records", async () => {
  await withTemp(async (dir) => {
    const config = await writeConfig(dir, smallConfig());
    await runFakeBench(["--config", config, "--out", join(dir, "phased"), "--skip-report"]);
    const calls: string[] = [];
    const out = join(dir, "interleaved");
    await runFakeBench(["--config", config, "--out", out, "--skip-report", "--interleave"], {
      onJob: (kind, key) => calls.push(`${kind} ${key}`),
    });
    assert.deepEqual(
      byKey(await normalizedRecords(out)),
      byKey(await normalizedRecords(join(dir, "phased"))),
    );
    // Every quantize job's evaluations follow it before the next quantize job starts.
    const plan = JSON.parse(await Deno.readTextFile(join(out, "bench.json")));
    assert.ok(Array.isArray(plan.quantizeKeys) && plan.quantizeKeys.length === 6);
    const kinds = calls.map((c) => c.split(" ")[0]);
    assert.equal(kinds[0], "evaluate", "float first");
    assert.deepEqual(
      kinds.join(",").split("quantize").slice(1).map((seg) =>
        seg.split(",").filter((k) => k === "evaluate").length
      ),
      [2, 2, 2, 2, 2, 2],
      "two passes per quantized model, right after it",
    );
  });
});
