import assert from "node:assert/strict";
import { SamqError } from "../util/errors.ts";
import { parseEpChoice, resolveExecutionProvider } from "./execution_provider.ts";

Deno.test("resolveExecutionProvider() returns a working EP for auto and honours a forced cpu", async () => {
  const auto = await resolveExecutionProvider("auto");
  assert.ok(["cpu", "webgpu", "cuda"].includes(auto.ep));
  assert.match(auto.reason, /^auto: /);
  const cpu = await resolveExecutionProvider("cpu");
  assert.deepEqual([cpu.ep, cpu.reason], ["cpu", "forced"]);
});

Deno.test("resolveExecutionProvider() fails for a forced EP that is unavailable, never falling back", async () => {
  const auto = await resolveExecutionProvider("auto");
  for (const ep of ["cuda", "webgpu"] as const) {
    if (auto.ep === ep) continue; // available here: nothing to check
    await assert.rejects(
      () => resolveExecutionProvider(ep),
      (e: unknown) => e instanceof SamqError && e.code === "unavailable" && e.field === "ep",
    );
  }
});

Deno.test("parseEpChoice() lists the valid choices for a bad value", () => {
  assert.throws(() => parseEpChoice("tpu"), /expected one of "auto", "cpu", "webgpu", "cuda"/);
});
