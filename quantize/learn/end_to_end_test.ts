import assert from "node:assert/strict";
import { NO_PROGRESS } from "../calibrate/progress.ts";
import { trainEndToEnd } from "./end_to_end.ts";
import { initialisedTinySam } from "./_testing.ts";

Deno.test("trainEndToEnd() keeps its initialisation when learning makes the objective worse, else the learned values", async () => {
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
  const stage = (lr: number) => ({
    label: "test",
    treat: () => ({ mode: "learn" as const, step: true }),
    steps: 4,
    optimizers: { step: { lr, schedule: "constant" as const } },
    objective: "masks" as const,
    promptsPerStep: 2,
    evalImages: 2,
  });
  // Steps moved by ~5 per update: the quantized model collapses and the objective grows.
  const bad = await trainEndToEnd(input, stage(5));
  assert.ok(bad.learnedLoss > bad.initialLoss, `${bad.learnedLoss} vs ${bad.initialLoss}`);
  assert.equal(bad.kept, "initial");
  const init = new Map(
    t.init.quantizers.map((r) => [r.id, r.params.kind === "uniform" ? r.params.scale[0] : undefined]),
  );
  for (const [name, v] of bad.values) {
    const id = name.replace(/^samq\.learn\//, "").replace(/\/step$/, "");
    assert.equal(v.data[0], Math.fround(init.get(id)!), name);
  }
  const ok = await trainEndToEnd(input, stage(1e-4));
  assert.equal(ok.kept, ok.learnedLoss <= ok.initialLoss ? "learned" : "initial");
  assert.equal(ok.steps, 4);
});
