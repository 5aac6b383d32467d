import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { countDistinctOnGrid } from "./count_distinct_on_grid.ts";
import { fakeQuant } from "./fake_quant.ts";
import { fakeQuantHluq, hluqLevels, hluqLogLevels, hluqParamsFromRange } from "./hluq.ts";
import type { HluqQuantizerParams } from "./quantizer_params.ts";

// 3 bits, 2 log levels, 6 uniform codes on y = x + 0.25 (hand-computed grid below).
const P: HluqQuantizerParams = {
  kind: "hluq",
  bits: 3,
  shift: -0.25,
  logLevels: 2,
  scaleLog: 1,
  scaleUni: 0.5,
};

Deno.test("hluqLevels() lists 0, the log levels and the uniform levels above s_log, shifted by m", () => {
  assert.deepEqual([...hluqLevels(P)], [-0.25, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25]);
});

Deno.test("fakeQuantHluq() log-quantizes below s_log, uniform above, and sends y ≤ 0 or codes ≥ L to m", () => {
  // x → y = x + 0.25 → code/level (by hand):
  const cases: [number, number][] = [
    [-1, -0.25], // y < 0 → 0
    [-0.25, -0.25], // y = 0 → 0
    [-0.1, -0.25], // y = 0.15: −log2 = 2.74 → k = 3 ≥ L → 0
    [0.05, -0.25], // y = 0.3: 1.74 → k = 2 ≥ L → 0
    [0.15, 0.25], // y = 0.4: 1.32 → k = 1 → s_log/2
    [0.5, 0.75], // y = 0.75: 0.42 → k = 0 → s_log
    [0.75, 0.75], // y = s_log exactly: log branch, k = 0
    [0.9, 0.75], // y = 1.15: (0.15)/0.5 = 0.3 → q = 0 → s_log
    [1.1, 1.25], // y = 1.35: 0.7 → q = 1
    [2.0, 2.25], // y = 2.25: 2.5 → q = 3 (half up)
    [10, 3.25], // saturates at q = U − 1 = 5
  ];
  const out = fakeQuantHluq(Float32Array.from(cases, (c) => c[0]), P);
  assert.deepEqual([...out], cases.map((c) => Math.fround(c[1])));
  assert.deepEqual(fakeQuant(Float32Array.from(cases, (c) => c[0]), [cases.length], P), out);
});

Deno.test("hluqParamsFromRange() follows the official init and rejects grid rates off the 2^b grid", () => {
  const p = hluqParamsFromRange(-0.17, 10, 4, 0.1, 1 / 8);
  assert.equal(p.logLevels, 2);
  assert.equal(p.shift, Math.fround(-0.17));
  assert.equal(p.scaleLog, Math.fround(10.17 * 0.1));
  assert.equal(p.scaleUni, Math.fround(10.17 * 0.9 / (15 * 0.875)));
  assert.equal(hluqLogLevels(2, 1 / 8), undefined, "4 levels × 1/8 is not an integer");
  assert.equal(hluqLogLevels(8, 1 / 2), 128);
  assert.throws(
    () => hluqParamsFromRange(0, 1, 2, 0.1, 1 / 8),
    (e: unknown) => e instanceof SamqError && e.field === "gridRate",
  );
  assert.throws(
    () => hluqParamsFromRange(1, 1, 4, 0.1, 1 / 4),
    (e: unknown) => e instanceof SamqError && e.field === "range",
  );
});

Deno.test("countDistinctOnGrid() accepts HLUQ outputs and flags values between its levels", () => {
  const x = Float32Array.from({ length: 200 }, (_, i) => -0.5 + i * 0.02);
  const q = fakeQuantHluq(x, P);
  const g = countDistinctOnGrid(q, [200], P);
  assert.deepEqual([g.offGrid, g.maxLevels, g.ok], [0, 8, true]);
  assert.equal(g.maxDistinct, 8, "x spans every level");
  const raw = countDistinctOnGrid(Float32Array.of(0.5, 1.0, 0.75), [3], P);
  assert.equal(raw.offGrid, 2, "0.5 and 1.0 lie between levels; 0.75 is one");
});
