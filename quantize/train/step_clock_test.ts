import assert from "node:assert/strict";
import { startStepClock } from "./step_clock.ts";

Deno.test("startStepClock() leaves the first update (session creation, warm-up) out of the steady rate", () => {
  const times = [0, 5000, 5100, 5200, 5300];
  let i = 0;
  const clock = startStepClock(() => times[i++]!);
  assert.ok(Number.isNaN(clock.secondsPerStep()));
  for (let step = 1; step <= 4; step++) clock.tick({ step, steps: 4, loss: 1, lrFactor: 1 });
  // Updates 2..4 took 100 ms each; the first took 5 s.
  assert.ok(Math.abs(clock.secondsPerStep() - 0.1) < 1e-12, String(clock.secondsPerStep()));
});

Deno.test("startStepClock() with one update reports that update's time", () => {
  const times = [1000, 3500];
  let i = 0;
  const clock = startStepClock(() => times[i++]!);
  clock.tick({ step: 1, steps: 1, loss: 1, lrFactor: 1 });
  assert.equal(clock.secondsPerStep(), 2.5);
});
