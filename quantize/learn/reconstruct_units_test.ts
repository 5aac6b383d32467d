import assert from "node:assert/strict";
import { NO_PROGRESS } from "../calibrate/progress.ts";
import { type ReconstructionStage, reconstructUnits } from "./reconstruct_units.ts";
import { initialisedTinySam } from "./_testing.ts";
import { findLearningOps } from "./no_learning_ops.ts";

const stage = (stepLr: number, roundLr: number): ReconstructionStage => ({
  label: "test",
  treat: (r) =>
    r.target === "weight" ? { mode: "learn", adaround: true } : { mode: "learn", step: true, drop: true },
  iterations: 6,
  optimizers: { round: { lr: roundLr, schedule: "constant" }, step: { lr: stepLr, schedule: "cosine" } },
  adaround: { weight: 0.01, warmup: 0.2, betaStart: 20, betaEnd: 2 },
  quantProb: 0.5,
  loss: { exponent: 2, sumAxis1: true },
  evalSamples: 2,
});

Deno.test("reconstructUnits() never leaves a unit worse than its initialisation, even when learning diverges", async () => {
  const t = await initialisedTinySam();
  const input = {
    model: t.model,
    parts: t.init.quantizedParts,
    records: t.init.quantizers,
    floatGraphs: t.floatGraphs,
    calibration: t.calibration,
    seed: 0,
    ep: "cpu" as const,
    cacheBytes: 1 << 16,
    progress: NO_PROGRESS,
  };
  // A learning rate of 50 on the steps and V throws every unit far off: each must keep its initialisation.
  const bad = await reconstructUnits(input, stage(50, 50));
  assert.equal(bad.units.length, 15);
  for (const u of bad.units) {
    assert.equal(
      u.kept,
      u.learnedError <= u.initialError ? "learned" : "initial",
      `${u.part} unit ${u.unit}`,
    );
  }
  assert.ok(bad.units.some((u) => u.kept === "initial" && u.learnedError > u.initialError));
  assert.ok(bad.units.some((u) => u.params > 0 && u.iterations === 6));
  for (const part of t.init.quantizedParts) assert.deepEqual(findLearningOps(t.model[part].model.graph), []);
});
