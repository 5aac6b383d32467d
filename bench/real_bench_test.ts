import assert from "node:assert/strict";
import { join } from "node:path";
import { benchCommand } from "./bench_command.ts";
import { createRealExecutors } from "./real_executors.ts";
import { registryMethodCatalog } from "./registry_catalog.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import { TINY_MODEL, writeConfig } from "./_test_helpers.ts";

async function bench(args: string[]): Promise<string[]> {
  const printed: string[] = [];
  await benchCommand(args, {
    catalog: registryMethodCatalog(),
    executors: createRealExecutors(),
    openStore: (dir) => openEvalStore(dir),
    stderr: () => undefined,
    print: (t) => printed.push(t),
    tty: false,
  });
  return printed;
}

Deno.test("deno task bench quantizes, evaluates, resumes and reports end to end with the real executors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq-real-bench-" });
  try {
    const config = await writeConfig(dir, {
      name: "real-e2e",
      models: [TINY_MODEL],
      methods: ["float", "minmax", "saq-sam"],
      bits: ["w8a8"],
      datasets: ["synthetic:seed=71,n=2,size=64"],
      modes: ["point", "box"],
      calibration: { spec: "synthetic:seed=72,n=2,size=64", n: 2 },
      ep: "cpu",
      qualitative: 1,
    });
    const out = join(dir, "run");
    const printed = await bench(["--config", config, "--out", out]);
    assert.deepEqual(printed, [join(out, "report.md")]);
    const records = (await openEvalStore(out)).records();
    assert.deepEqual(records.map((r) => `${r.method} ${r.bits} ${r.mode}`), [
      "float fp32 point",
      "float fp32 box",
      "minmax w8a8 point",
      "minmax w8a8 box",
    ]);
    const bench0 = records[2]!.bench as { model: string; quantizeKey: string; quantWallTimeMs: number };
    assert.equal(bench0.model, "tiny-official");
    assert.ok(bench0.quantWallTimeMs > 0);
    const quant = JSON.parse(await Deno.readTextFile(join(out, "models", bench0.quantizeKey, "quant.json")));
    assert.equal(quant.method, "minmax");
    assert.equal(quant.bitsLabel, "w8a8");
    // W8A8 stays close to float on the same prompts.
    for (const mode of ["point", "box"]) {
      const f = records.find((r) => r.method === "float" && r.mode === mode)!.metrics as { mIoU: number };
      const q = records.find((r) => r.method === "minmax" && r.mode === mode)!.metrics as { mIoU: number };
      assert.ok(Math.abs(f.mIoU - q.mIoU) < 0.02, `${mode}: float ${f.mIoU} vs w8a8 ${q.mIoU}`);
    }
    const report = await Deno.readTextFile(join(out, "report.md"));
    assert.match(report, /\| minmax \| \d+\.\d\d \|/, "one quantized method: no bold");
    assert.match(report, /\| saq-sam \| not available \|/);
    assert.match(report, /!\[\]\(figures\/qualitative\/[0-9a-f]{64}\/\d+_\d+\.png\)/);
    // A rerun finds every record and changes nothing.
    const before = await Deno.readTextFile(join(out, "records.jsonl"));
    await bench(["--config", config, "--out", out]);
    assert.equal(await Deno.readTextFile(join(out, "records.jsonl")), before);
    assert.equal(await Deno.readTextFile(join(out, "report.md")), report);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
