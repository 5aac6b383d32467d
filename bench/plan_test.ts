import assert from "node:assert/strict";
import { join } from "node:path";
import { parseBenchConfig } from "./config.ts";
import { createBenchEnvironment } from "./default_environment.ts";
import { groupPasses, planBench } from "./plan.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import { parseShard, shardPlan } from "./shard.ts";
import { validateBenchConfig } from "./validate_config.ts";
import { isSamqError, smallConfig, testCatalog } from "./_test_helpers.ts";

async function planOf(raw: Record<string, unknown>, out: string) {
  const env = createBenchEnvironment(testCatalog(), (dir) => openEvalStore(dir));
  return planBench(await validateBenchConfig(parseBenchConfig(raw), { out, configPath: null, env }));
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-plan-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("groupPasses() shares a pass between modes of one limit and lets auto ride along", () => {
  const limits = { point: 10, box: 10, auto: 2, detbox: 3 };
  assert.deepEqual(groupPasses(["detbox", "auto", "box", "point"], limits), [
    { modes: ["point", "box", "auto"], limit: 10, autoLimit: 2 },
    { modes: ["detbox"], limit: 3, autoLimit: null },
  ]);
  assert.deepEqual(groupPasses(["point", "auto"], { point: 2, box: null, auto: 5, detbox: null }), [
    { modes: ["point"], limit: 2, autoLimit: null },
    { modes: ["auto"], limit: 5, autoLimit: null },
  ]);
  assert.deepEqual(groupPasses(["point", "auto"], { point: null, box: null, auto: null, detbox: null }), [
    { modes: ["point", "auto"], limit: null, autoLimit: null },
  ]);
});

Deno.test("planBench() gives a method entry with its own bits jobs at those bits only", async () => {
  await withTemp(async (dir) => {
    const plan = await planOf(
      smallConfig({ methods: ["float", "minmax", { name: "pq-sam-s", bits: ["w2a2", "w4a4"] }] }),
      dir,
    );
    assert.deepEqual(plan.quantize.map((q) => `${q.variant.method} ${q.bits}`), [
      "minmax w6a6",
      "minmax w4a4",
      "pq-sam-s w2a2",
      "pq-sam-s w4a4",
    ]);
    const evals = plan.evaluate.filter((e) => e.modes.some((m) => m.mode === "detbox"));
    assert.deepEqual(evals.map((e) => `${e.variant.method} ${e.bits}`), [
      "float fp32",
      "minmax w6a6",
      "minmax w4a4",
      "pq-sam-s w2a2",
      "pq-sam-s w4a4",
    ]);
    // Each evaluation of the entry points at the quantized model of its own bit setting.
    for (const e of evals.filter((x) => x.variant.method === "pq-sam-s")) {
      assert.equal(plan.quantize.find((q) => q.key === e.quantizeKey)!.bits, e.bits);
    }
  });
});

Deno.test("planBench() evaluates a data set with its own modes in those modes only", async () => {
  await withTemp(async (dir) => {
    const plan = await planOf(
      smallConfig({
        methods: ["float", "minmax"],
        bits: ["w4a4"],
        datasets: ["synthetic:seed=61,n=3,size=48", {
          spec: "synthetic:seed=63,n=2,size=48",
          modes: ["point"],
        }],
      }),
      dir,
    );
    const modesOf = (spec: string) =>
      plan.evaluate.filter((e) => e.datasetSpec === spec).map((e) =>
        `${e.variant.method}:${e.modes.map((m) => m.mode)}`
      );
    assert.deepEqual(modesOf("synthetic:seed=61,n=3,size=48"), [
      "float:point,box,auto",
      "minmax:point,box,auto",
      "float:detbox",
      "minmax:detbox",
    ]);
    assert.deepEqual(modesOf("synthetic:seed=63,n=2,size=48"), ["float:point", "minmax:point"]);
  });
});

Deno.test("planBench() lists jobs in a fixed order with one record key per mode", async () => {
  await withTemp(async (dir) => {
    const plan = await planOf(smallConfig(), dir);
    // float + minmax + pq-sam-s × 2 grid points; qdrop is planned: no jobs.
    assert.deepEqual(
      plan.quantize.map((q) => `${q.variant.method}${JSON.stringify(q.variant.gridPoint)} ${q.bits}`),
      [
        "minmax{} w6a6",
        "minmax{} w4a4",
        'pq-sam-s{"lambda":6} w6a6',
        'pq-sam-s{"lambda":6} w4a4',
        'pq-sam-s{"lambda":10} w6a6',
        'pq-sam-s{"lambda":10} w4a4',
      ],
    );
    assert.ok(plan.quantize.every((q) => q.modelDir === join(dir, "models", q.key)));
    // 2 passes (point+box+auto with 3 images, detbox with 2) × (1 float + 3 variants × 2 bits).
    assert.equal(plan.evaluate.length, 14);
    assert.deepEqual(plan.evaluate[0]!.modes.map((m) => m.mode), ["point", "box", "auto"]);
    assert.equal(plan.evaluate[0]!.bits, "fp32");
    assert.equal(plan.evaluate[0]!.quantizeKey, null);
    assert.equal(plan.evaluate[0]!.autoLimit, 1);
    assert.deepEqual(plan.evaluate[7]!.modes.map((m) => m.mode), ["detbox"]);
    assert.equal(plan.evaluate[7]!.modes[0]!.protocol.prompt, "oracle-boxes");
    const keys = plan.evaluate.flatMap((j) => j.modes.map((m) => m.key));
    assert.equal(keys.length, 7 * 3 + 7 * 1);
    assert.equal(new Set(keys).size, keys.length, "every record key is distinct");
    assert.deepEqual(plan.evaluate.map((j) => j.index), [...Array(14).keys()]);
  });
});

Deno.test("planBench() keys depend on the work only, not on the output folder", async () => {
  await withTemp(async (dir) => {
    const a = await planOf(smallConfig(), join(dir, "a"));
    const b = await planOf(smallConfig(), join(dir, "b"));
    assert.deepEqual(a.quantize.map((q) => q.key), b.quantize.map((q) => q.key));
    assert.deepEqual(a.evaluate.map((j) => j.key), b.evaluate.map((j) => j.key));
    const seed = await planOf(smallConfig({ seed: 1 }), join(dir, "c"));
    assert.ok(seed.quantize.every((q, i) => q.key !== a.quantize[i]!.key));
    const calib = await planOf(
      smallConfig({ calibration: { spec: "synthetic:seed=62,n=2,size=48", n: 1 } }),
      dir,
    );
    assert.ok(calib.quantize.every((q, i) => q.key !== a.quantize[i]!.key));
    // The float evaluations do not depend on calibration.
    assert.equal(calib.evaluate[0]!.key, a.evaluate[0]!.key);
    const opt = await planOf(
      smallConfig({ methods: ["float", "minmax", { name: "pq-sam-s", grid: { lambda: [6, 11] } }] }),
      dir,
    );
    assert.equal(opt.quantize[2]!.key, a.quantize[2]!.key, "lambda=6 unchanged");
    assert.notEqual(opt.quantize[4]!.key, a.quantize[4]!.key, "lambda=11 differs from lambda=10");
  });
});

Deno.test("shardPlan() partitions evaluate jobs by index mod n and keeps the quantize jobs they need", async () => {
  await withTemp(async (dir) => {
    const plan = await planOf(smallConfig(), dir);
    const shards = [0, 1, 2].map((i) => shardPlan(plan, { index: i, count: 3 }));
    assert.deepEqual(shards[1]!.evaluate.map((j) => j.index), [1, 4, 7, 10, 13]);
    const all = shards.flatMap((s) => s.evaluate.map((j) => j.index)).sort((a, b) => a - b);
    assert.deepEqual(all, plan.evaluate.map((j) => j.index));
    for (const s of shards) {
      const needed = new Set(s.evaluate.map((j) => j.quantizeKey).filter((k) => k !== null));
      assert.deepEqual(
        s.quantize.map((q) => q.key),
        plan.quantize.filter((q) => needed.has(q.key)).map((q) => q.key),
      );
    }
    const byModel = [0, 1].map((i) => shardPlan(plan, { index: i, count: 2 }, "model"));
    const q0 = new Set(byModel[0]!.quantize.map((q) => q.key));
    assert.ok(
      byModel[1]!.quantize.every((q) => !q0.has(q.key)),
      "by model: each quantized model in one shard",
    );
    assert.equal(byModel[0]!.evaluate.length + byModel[1]!.evaluate.length, plan.evaluate.length);
  });
});

Deno.test("parseShard() reads 0-based i/n and refuses anything else", () => {
  assert.deepEqual(parseShard("0/1"), { index: 0, count: 1 });
  assert.deepEqual(parseShard("3/4"), { index: 3, count: 4 });
  for (const bad of ["4/4", "1/0", "-1/2", "1", "a/b", "1/2/3"]) {
    assert.throws(() => parseShard(bad), isSamqError("invalid_argument", "shard"));
  }
});

Deno.test("planBench() gives each variant its protocol: granularity, key and detbox mask follow it", async () => {
  await withTemp(async (dir) => {
    const methods = ["float", "minmax", { name: "pq-sam-s", protocol: "ptq4sam", options: { lambda: 6 } }];
    const plain = await planOf(smallConfig({ methods }), dir);
    const byMethod = (p: typeof plain, m: string) => p.quantize.filter((q) => q.variant.method === m);
    // The default protocol (pq-sam) keeps the key recipe of runs made before protocols existed.
    const old = await planOf(smallConfig({ methods: ["float", "minmax"], granularity: "per-tensor" }), dir);
    assert.deepEqual(byMethod(plain, "minmax").map((q) => q.key), byMethod(old, "minmax").map((q) => q.key));
    assert.ok(
      byMethod(plain, "minmax").every((q) => q.protocol === "pq-sam" && q.granularity === "per-tensor"),
    );
    assert.ok(
      byMethod(plain, "pq-sam-s").every((q) => q.protocol === "ptq4sam" && q.granularity === "per-channel"),
    );
    // The whole config under ptq4sam: per-channel weights and other keys; an explicit granularity wins.
    const ptq = await planOf(smallConfig({ methods: ["float", "minmax"], protocol: "ptq4sam" }), dir);
    assert.ok(byMethod(ptq, "minmax").every((q) => q.granularity === "per-channel"));
    assert.notDeepEqual(byMethod(ptq, "minmax").map((q) => q.key), byMethod(old, "minmax").map((q) => q.key));
    const forced = await planOf(
      smallConfig({ methods: ["float", "minmax"], protocol: "ptq4sam", granularity: "per-tensor" }),
      dir,
    );
    assert.ok(
      byMethod(forced, "minmax").every((q) => q.protocol === "ptq4sam" && q.granularity === "per-tensor"),
    );
    assert.ok(ptq.evaluate.every((e) => e.detboxMask === "single-token"));
  });
  assert.throws(
    () => parseBenchConfig(smallConfig({ protocol: "sam-q" })),
    isSamqError("invalid_file", "/protocol"),
  );
  assert.throws(
    () => parseBenchConfig(smallConfig({ methods: [{ name: "float", protocol: "ptq4sam" }] })),
    isSamqError("invalid_file", "/methods/0/protocol"),
  );
});
