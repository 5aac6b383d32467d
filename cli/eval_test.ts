import assert from "node:assert/strict";
import { join } from "node:path";
import { runCliFile } from "../util/test_cli.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { AMG_DEFAULTS } from "../sam/amg/amg_options.ts";
import { PROMPT_PROTOCOL_DEFAULTS } from "../datasets/prompts/prompt_protocol_options.ts";
import { EVAL_DEFAULTS } from "../eval/modes/eval_options.ts";
import { EVAL_USAGE, evalOptionsFromFlags } from "./eval.ts";

/** One temporary root per test module, removed when the module unloads. */
const TMP = await Deno.makeTempDir({ prefix: "samq-eval-cli-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(TMP, { recursive: true }));

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

Deno.test("eval --help shows the library defaults", () => {
  const line = (flag: string) => EVAL_USAGE.split("\n").find((l) => l.trimStart().startsWith(flag)) ?? "";
  assert.match(line("--modes"), new RegExp(`default ${EVAL_DEFAULTS.modes.join(",")}\\)`));
  assert.match(line("--points-per-side"), new RegExp(`default ${AMG_DEFAULTS.pointsPerSide}\\)`));
  assert.match(
    line("--score-thresh"),
    new RegExp(`default ${PROMPT_PROTOCOL_DEFAULTS.detScoreThreshold}\\)`),
  );
  assert.match(line("--topk"), /default all\)/);
  assert.equal(PROMPT_PROTOCOL_DEFAULTS.detTopK, null);
  assert.match(line("--limit"), /default all\)/);
  assert.equal(EVAL_DEFAULTS.limit, null);
  assert.match(line("--ep"), new RegExp(`default ${EVAL_DEFAULTS.ep}\\)`));
});

Deno.test("evalOptionsFromFlags() forwards only the flags that were set", () => {
  assert.deepEqual(evalOptionsFromFlags({}), {});
  assert.deepEqual(
    evalOptionsFromFlags({ modes: "box,point", "auto-limit": "5", "points-per-side": "8", topk: "3" }),
    { modes: ["box", "point"], autoLimit: 5, amg: { pointsPerSide: 8 }, prompt: { detTopK: 3 } },
  );
});

Deno.test("eval CLI prints the table, appends records, skips them on rerun, and fails in one line", async () => {
  const out = await Deno.makeTempDir({ dir: TMP });
  const args = [
    "--model",
    TINY,
    "--data",
    "synthetic:seed=1,n=3,size=256",
    "--modes",
    "point,detbox",
    "--limit",
    "2",
  ];
  const first = await runCliFile("eval.ts", [...args, "--ep", "cpu", "--out", out]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^point\s+2\s+/m);
  assert.match(first.stdout, /^detbox \(oracle-box\)\s+2\s+/m);
  assert.match(first.stderr, /\[2\/2\]/);
  const lines = (await Deno.readTextFile(join(out, "records.jsonl"))).trim().split("\n");
  assert.equal(lines.length, 2);
  assert.ok(JSON.parse(lines[0]!).command.startsWith("deno task eval --model"));
  const second = await runCliFile("eval.ts", [...args, "--ep", "cpu", "--out", out]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /skip point: its record is already in/);
  assert.match(second.stderr, /skip detbox \(oracle-box\)/);
  assert.equal((await Deno.readTextFile(join(out, "records.jsonl"))).trim().split("\n").length, 2);

  const bad = await runCliFile("eval.ts", [
    "--model",
    TINY,
    "--data",
    "coco:/no/such/file.json",
    "--out",
    out,
  ]);
  assert.equal(bad.code, 2);
  assert.equal(bad.errLines.length, 1);
  assert.match(bad.errLines[0]!, /^error: Cannot open dataset "coco:\/no\/such\/file.json"/);
  const unknown = await runCliFile("eval.ts", ["--modle", "x"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.errLines.length, 1);
});
