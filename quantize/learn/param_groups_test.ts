import assert from "node:assert/strict";
import { adamUpdate, createAdamMoments } from "../train/adam.ts";
import { lrFactor, resolveLrSchedule } from "../train/lr_schedule.ts";
import { scheduledProjection, trainSettings } from "./param_groups.ts";
import type { LearnedParam } from "./trainable_graph.ts";

Deno.test("scheduledProjection() turns constant-rate Adam into Adam with a cosine learning rate", () => {
  const steps = 12, lr = 0.05;
  const grads = Array.from({ length: steps }, (_, t) => [Math.sin(t) + 0.3, Math.cos(2 * t)]);
  const opts = { betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0 };
  // Reference: Adam whose rate follows the cosine schedule.
  const ref = Float64Array.of(1, -2);
  const mr = createAdamMoments(2);
  const schedule = resolveLrSchedule({ kind: "cosine" }, steps);
  grads.forEach((g, t) => adamUpdate(ref, g, mr, t + 1, lr * lrFactor(schedule, t, steps), opts));
  // Constant-rate Adam followed by the projection hook.
  const p = Float64Array.of(1, -2);
  const mp = createAdamMoments(2);
  const hook = scheduledProjection(p, "cosine", steps);
  grads.forEach((g, t) => {
    adamUpdate(p, g, mp, t + 1, lr, opts);
    hook(p);
  });
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(p[i]! - ref[i]!) < 1e-12, `${p[i]} vs ${ref[i]}`);
});

Deno.test("trainSettings() gives LSQ's g = 1/√((N/C)·Q_P) to steps and zeros, none to AdaRound V", () => {
  const param = (role: LearnedParam["role"], extra: Partial<LearnedParam> = {}): LearnedParam => ({
    name: `p/${role}`,
    id: "q",
    role,
    init: { data: new Float32Array(1), dims: [] },
    ...extra,
  });
  const s = trainSettings(
    [
      param("step", { qmax: 15, channels: 1, quantizedTensor: "x" }),
      param("zero", { qmax: 15, channels: 1, quantizedTensor: "x" }),
      param("round"),
    ],
    {
      step: { lr: 1e-3, schedule: "cosine" },
      zero: { lr: 1e-3, schedule: "constant" },
      round: { lr: 1e-2, schedule: "constant" },
    },
    10,
    () => 4096,
  );
  assert.ok(Math.abs(s.gradScales["p/step"]! - 1 / Math.sqrt(4096 * 15)) < 1e-15);
  assert.equal(s.gradScales["p/zero"], s.gradScales["p/step"]);
  assert.equal(s.gradScales["p/round"], undefined);
  assert.deepEqual(s.groups.map((g) => g.lr), [1e-3, 1e-3, 1e-2]);
  // z is clamped to the code range by its projection.
  const z = Float32Array.of(-2, 7.5, 19);
  s.groups[1]!.project!(z);
  assert.deepEqual(Array.from(z), [0, 7.5, 15]);
});
