import assert from "node:assert/strict";
import { runCliFile } from "../util/test_cli.ts";

Deno.test("ep status --json reports the binding, the provider and what --ep auto picks", async () => {
  const r = await runCliFile("ep.ts", ["status", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(typeof j.bindingDir, "string");
  assert.equal(j.ortVersion, "1.29.0");
  assert.ok(Array.isArray(j.missingLibraries) && Array.isArray(j.gpus));
  assert.match(j.auto, /^(cpu|webgpu|cuda) \(auto: /);
  // On a host without CUDA, the blocker is one line naming what is missing.
  if (j.cudaBlocker !== null) assert.ok(!j.cudaBlocker.includes("\n"));
});

Deno.test("ep exits 2 with one line for an unknown provider, a missing --from folder and an unknown command", async () => {
  for (
    const args of [["install", "tensorrt"], ["install", "cuda", "--from", "/nonexistent/samq"], [
      "frobnicate",
    ]]
  ) {
    const r = await runCliFile("ep.ts", args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.errLines.length, 1, r.stderr);
    assert.match(r.errLines[0]!, /^error: Cannot /);
  }
});
