/**
 * The public entry points: the root module is the curated list, and every subpath export in
 * `deno.json` loads and names what its folder owns.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";

const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
const exportsMap = config.exports as Record<string, string>;

Deno.test("the root module exports the curated API and nothing of the internals", async () => {
  const root = await import("../mod.ts");
  assert.deepEqual(Object.keys(root).sort(), [
    "KNOWN_MODELS",
    "METHODS",
    "SamPredictor",
    "SamqError",
    "bench",
    "evaluateCoco",
    "evaluation",
    "generateMasks",
    "getMethod",
    "importModelDir",
    "installKnownModel",
    "loadModelDir",
    "quantizeModel",
    "readImageRgb",
    "runEvaluation",
    "verifyModelDir",
  ]);
  assert.ok("minmax" in root.METHODS);
});

Deno.test("every deno.json subpath export loads and exports its folder's key names", async () => {
  const expected: Record<string, string[]> = {
    "./onnx": ["readModel", "Graph"],
    "./runtime": ["resolveExecutionProvider"],
    "./mask": ["encodeMaskRowMajor", "maskIouDice", "stabilityScore", "thresholdMask"],
    "./image": ["readImageRgb", "resizePillowBilinear", "writeMaskPng"],
    "./records": ["openRunStore", "RUN_STORE_FILE"],
    "./datasets": ["openDataset", "centerPoint"],
    "./sam": ["SamPredictor", "loadModelDir", "preprocessShape", "generateMasks"],
    "./sam/amg": ["generateMasks", "AMG_DEFAULTS"],
    "./quantize": ["quantizeModel", "METHODS", "parseBits", "readQuantJson", "BIT_WIDTHS"],
    "./quantize/methods": ["METHODS", "MINMAX"],
    "./eval": ["runEvaluation", "parseEvalRecord", "openEvalStore", "EVAL_MODES"],
    "./eval/coco": ["evaluateCoco", "loadCocoGt"],
    "./eval/metrics": ["createMaskMetricAccumulator"],
    "./bench": ["runBench", "parseBenchConfig", "writeReport"],
  };
  assert.deepEqual(Object.keys(exportsMap).sort(), [".", ...Object.keys(expected)].sort());
  for (const [sub, names] of Object.entries(expected)) {
    const m = await import(join(REPO_ROOT, exportsMap[sub]!));
    for (const n of names) assert.ok(n in m, `${sub} exports ${n}`);
  }
});
