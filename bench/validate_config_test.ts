import assert from "node:assert/strict";
import { join } from "node:path";
import { parseBenchConfig } from "./config.ts";
import { createBenchEnvironment } from "./default_environment.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import { registryMethodCatalog } from "./registry_catalog.ts";
import { validateBenchConfig } from "./validate_config.ts";
import { isSamqError, runFakeBench, smallConfig, testCatalog, writeConfig } from "./_test_helpers.ts";

const env = () => createBenchEnvironment(testCatalog(), (dir) => openEvalStore(dir));

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-bench-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function validate(raw: Record<string, unknown>, out: string) {
  return validateBenchConfig(parseBenchConfig(raw, { path: "c.json" }), {
    out,
    configPath: "c.json",
    env: env(),
  });
}

Deno.test("validateBenchConfig() expands * and grids, keeps planned methods, and resolves hashes", async () => {
  await withTemp(async (dir) => {
    const b = await validate(
      smallConfig({ methods: ["float", "*", { name: "pq-sam-s", grid: { lambda: [6, 14] } }] }),
      dir,
    );
    const names = b.variants.map((v) => `${v.method}:${v.status}:${JSON.stringify(v.gridPoint)}`);
    assert.equal(names[0], "float:float:{}");
    assert.equal(names[1], "minmax:available:{}");
    assert.ok(names.includes("qdrop:planned:{}") && names.includes("saq-sam:planned:{}"));
    assert.deepEqual(names.slice(-2), [
      'pq-sam-s:available:{"lambda":6}',
      'pq-sam-s:available:{"lambda":14}',
    ]);
    // Defaults are merged under the grid point (they are part of the cache key).
    assert.deepEqual(b.variants.at(-1)!.options, { lambda: 14, alpha: 0.25 });
    assert.match(b.models[0]!.sha256, /^[0-9a-f]{64}$/);
    assert.equal(b.datasets[0]!.point!.images, 3);
    assert.equal(b.datasets[0]!.auto!.images, 1);
    assert.notEqual(b.datasets[0]!.point!.hash, b.datasets[0]!.auto!.hash);
    assert.equal(b.calibration?.images, 2);
  });
});

Deno.test("validateBenchConfig() refuses an unknown method or option naming the field", async () => {
  await withTemp(async (dir) => {
    await assert.rejects(
      () => validate(smallConfig({ methods: ["float", "minmx"] }), dir),
      isSamqError("invalid_argument", "/methods/1"),
    );
    await assert.rejects(
      () => validate(smallConfig({ methods: [{ name: "pq-sam-s", grid: { lamda: [6] } }] }), dir),
      isSamqError("invalid_argument", "/methods/0/grid/lamda"),
    );
    assert.equal((await Array.fromAsync(Deno.readDir(dir))).length, 0, "no work before the checks pass");
  });
});

Deno.test("validateBenchConfig() checks option values with the registry method's own validation", async () => {
  await withTemp(async (dir) => {
    const catalog = registryMethodCatalog();
    assert.equal(catalog.get("minmax")?.status, "available");
    assert.equal(catalog.get("lsq+")?.status, "available");
    assert.equal(catalog.get("saq-sam")?.status, "planned");
    assert.equal(catalog.get("ahcptq")?.status, "available");
    const env = createBenchEnvironment(catalog, (d) => openEvalStore(d));
    const raw = smallConfig({
      methods: ["float", { name: "minmax", options: { activationRange: "bogus" } }],
    });
    await assert.rejects(
      () => validateBenchConfig(parseBenchConfig(raw), { out: dir, configPath: null, env }),
      isSamqError("invalid_argument", "/methods/1/options/activationRange"),
    );
  });
});

Deno.test("validateBenchConfig() refuses an unknown model or dataset naming the field", async () => {
  await withTemp(async (dir) => {
    await assert.rejects(
      () => validate(smallConfig({ models: ["no-such-model-xyz"] }), dir),
      isSamqError("not_found", "/models/0"),
    );
    await assert.rejects(
      () => validate(smallConfig({ datasets: ["synthetic:seed=61,n=3,size=48", "imagenet:val"] }), dir),
      isSamqError("invalid_argument", "/datasets/1"),
    );
    await assert.rejects(
      () => validate(smallConfig({ datasets: [`coco:${join(dir, "missing.json")}`] }), dir),
      isSamqError("not_found", "/datasets/0"),
    );
  });
});

Deno.test("validateBenchConfig() uses the fallback dataset only when the data is missing", async () => {
  await withTemp(async (dir) => {
    const missing = `coco:${join(dir, "missing.json")}`;
    const b = await validate(
      smallConfig({ datasets: [{ spec: missing, fallback: "synthetic:seed=61,n=3,size=48" }] }),
      join(dir, "out"),
    );
    assert.equal(b.datasets[0]!.point!.spec, "synthetic:seed=61,n=3,size=48");
    assert.equal(b.datasets[0]!.point!.requested, missing);
    await assert.rejects(
      () =>
        validate(
          smallConfig({ datasets: [{ spec: "nope:x", fallback: "synthetic:seed=61,n=3,size=48" }] }),
          dir,
        ),
      isSamqError("invalid_argument", "/datasets/0"),
    );
  });
});

Deno.test("validateBenchConfig() refuses calibration on an evaluation set or with too few images", async () => {
  await withTemp(async (dir) => {
    await assert.rejects(
      () => validate(smallConfig({ calibration: { spec: "synthetic:seed=61,n=3,size=48", n: 2 } }), dir),
      isSamqError("invalid_dataset", "/calibration/spec"),
    );
    await assert.rejects(
      () => validate(smallConfig({ calibration: { spec: "synthetic:seed=62,n=2,size=48", n: 5 } }), dir),
      isSamqError("invalid_dataset", "/calibration/spec"),
    );
  });
});

Deno.test("validateBenchConfig() refuses an unwritable output folder", async () => {
  await withTemp(async (dir) => {
    const file = join(dir, "a-file");
    await Deno.writeTextFile(file, "");
    await assert.rejects(() => validate(smallConfig(), join(file, "out")), isSamqError("io", "out"));
  });
});

Deno.test("validateBenchConfig() refuses a store or bench.json written by an incompatible version", async () => {
  await withTemp(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "records.jsonl"),
      JSON.stringify({ schema: "samq.eval/0", key: "k" }) + "\n",
    );
    await assert.rejects(() => validate(smallConfig(), dir), isSamqError("incompatible"));
    await Deno.remove(join(dir, "records.jsonl"));
    await Deno.writeTextFile(join(dir, "bench.json"), JSON.stringify({ schema: "samq.bench/0" }));
    await assert.rejects(() => validate(smallConfig(), dir), isSamqError("incompatible", "schema"));
  });
});

Deno.test("benchCommand() fails on bad input before writing anything", async () => {
  await withTemp(async (dir) => {
    const config = await writeConfig(dir, smallConfig({ methods: ["float", "nope"] }));
    const out = join(dir, "run");
    await assert.rejects(
      () => runFakeBench(["--config", config, "--out", out]),
      isSamqError("invalid_argument", "/methods/1"),
    );
    await assert.rejects(
      () => runFakeBench(["--config", config, "--shard", "2/2"]),
      isSamqError("invalid_argument", "shard"),
    );
    await assert.rejects(
      () => runFakeBench(["--config", config, "--bogus"]),
      isSamqError("invalid_argument"),
    );
    await assert.rejects(() => runFakeBench(["--models", "x"]), isSamqError("invalid_file", "/datasets"));
    assert.equal(await Deno.stat(out).then(() => true, () => false), false);
  });
});
