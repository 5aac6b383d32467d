import assert from "node:assert/strict";
import { join } from "node:path";
import { runCliFile } from "../util/test_cli.ts";
import { GOLDEN_DIR } from "./testdata/golden.ts";
import { smallConfig, writeConfig } from "./_test_helpers.ts";

Deno.test("cli/report.ts renders a run folder and prints the report path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq-report-cli-" });
  try {
    await Deno.copyFile(join(GOLDEN_DIR, "records.jsonl"), join(dir, "records.jsonl"));
    const ok = await runCliFile("report.ts", [dir]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), join(dir, "report.md"));
    const bad = await runCliFile("report.ts", [join(dir, "missing")]);
    assert.equal(bad.code, 2);
    assert.deepEqual(bad.errLines, [`error: Cannot report "${join(dir, "missing")}": folder does not exist`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli/bench.ts refuses an unknown method in one line with exit code 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq-bench-cli-" });
  try {
    const config = await writeConfig(dir, smallConfig({ methods: ["float", "minmx"] }));
    const r = await runCliFile("bench.ts", ["--config", config, "--out", join(dir, "run")]);
    assert.equal(r.code, 2);
    assert.equal(r.errLines.length, 1, r.stderr);
    assert.match(
      r.errLines[0]!,
      /^error: Unknown method "minmx": expected "float", "\*" or one of "minmax",/,
    );
    assert.match(r.errLines[0]!, /"saq-sam"/, "planned methods are listed as known");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
