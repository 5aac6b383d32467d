import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { lrFactor, resolveLrSchedule } from "./lr_schedule.ts";

Deno.test("lrFactor() follows PyTorch's cosine annealing from 1 toward minFactor", () => {
  const s = resolveLrSchedule({}, 100);
  assert.equal(lrFactor(s, 0, 100), 1);
  assert.ok(Math.abs(lrFactor(s, 50, 100) - 0.5) < 1e-15);
  assert.ok(Math.abs(lrFactor(s, 25, 100) - (1 + Math.SQRT1_2) / 2) < 1e-15);
  const m = resolveLrSchedule({ minFactor: 0.1 }, 100);
  assert.ok(Math.abs(lrFactor(m, 50, 100) - 0.55) < 1e-15);
});

Deno.test("lrFactor() warms up linearly, then runs the cosine over the remaining steps", () => {
  const s = resolveLrSchedule({ warmupSteps: 4 }, 24);
  assert.deepEqual([0, 1, 2, 3].map((t) => lrFactor(s, t, 24)), [0.25, 0.5, 0.75, 1]);
  assert.equal(lrFactor(s, 4, 24), 1);
  assert.ok(Math.abs(lrFactor(s, 14, 24) - 0.5) < 1e-15);
});

Deno.test("lrFactor() is 1 for the constant schedule", () => {
  const s = resolveLrSchedule({ kind: "constant" }, 10);
  assert.equal(lrFactor(s, 7, 10), 1);
});

Deno.test("resolveLrSchedule() rejects unknown kinds and too long warm-ups with the field", () => {
  const check = (partial: object, field: string) =>
    assert.throws(
      () => resolveLrSchedule(partial, 10),
      (e: unknown) => e instanceof SamqError && e.field === field,
    );
  check({ kind: "step" }, "schedule.kind");
  check({ warmupSteps: 11 }, "schedule.warmupSteps");
  check({ minFactor: 2 }, "schedule.minFactor");
});
