/**
 * Cross-check helper: runs a model folder's ONNX graphs in onnxruntime-node (CPU) on deterministic inputs
 * and writes inputs and outputs as raw float32 files, so that `tools/ort_cross_check.py` can run the same
 * files in Python's onnxruntime and compare. Shows that a quantized model needs nothing from samq to run.
 *
 *   deno run -A tools/ort_cross_check.ts MODEL_DIR OUT_DIR [--skip-encoder]
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { join } from "node:path";
import { loadModelDir } from "../sam/model_dir.ts";
import { createPrng } from "../util/prng.ts";

const [dir, out] = Deno.args;
if (!dir || !out) throw new Error("usage: ort_cross_check.ts MODEL_DIR OUT_DIR [--skip-encoder]");
const model = await loadModelDir(dir);
await Deno.mkdir(out, { recursive: true });
const prng = createPrng(1234);
const s = model.config.inputSize;
const side = s / 16;
const feedsFor = (session: ort.InferenceSession): Record<string, ort.Tensor> => {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const f = (dims: number[], fill: (i: number) => number) =>
      new ort.Tensor(
        "float32",
        Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)),
        dims,
      );
    if (name === "image_embeddings") feeds[name] = f([1, 256, side, side], () => prng.normal() * 0.2);
    else if (name === "point_coords") feeds[name] = f([1, 2, 2], (i) => [s * 0.4, s * 0.3, 0, 0][i]!);
    else if (name === "point_labels") feeds[name] = f([1, 2], (i) => [1, -1][i]!);
    else if (name === "mask_input") feeds[name] = f([1, 1, side * 4, side * 4], () => 0);
    else if (name === "has_mask_input") feeds[name] = f([1], () => 0);
    else if (name === "orig_im_size") feeds[name] = f([2], (i) => [s * 0.75, s][i]!);
    else feeds[name] = f([1, 3, s, s], () => prng.normal());
  }
  return feeds;
};
const manifest: Record<string, unknown> = {};
// The decoder reads the encoder's real output when the encoder runs (its channel count varies by model).
let embedding: ort.Tensor | undefined;
for (const [role, path] of [["encoder", model.encoderPath], ["decoder", model.decoderPath]] as const) {
  if (role === "encoder" && Deno.args.includes("--skip-encoder")) continue;
  const session = await ort.InferenceSession.create(path, { executionProviders: ["cpu"] });
  const feeds = feedsFor(session);
  if (role === "decoder" && embedding && "image_embeddings" in feeds) feeds.image_embeddings = embedding;
  const result = await session.run(feeds);
  const entry: Record<string, unknown> = { model: path, inputs: {}, outputs: {} };
  for (const [name, t] of Object.entries(feeds)) {
    await Deno.writeFile(
      join(out, `${role}.in.${name}.bin`),
      new Uint8Array((t.data as Float32Array).buffer),
    );
    (entry.inputs as Record<string, unknown>)[name] = t.dims;
  }
  if (role === "encoder") embedding = result[session.outputNames[0] as string];
  for (const [name, t] of Object.entries(result)) {
    await Deno.writeFile(
      join(out, `${role}.out.${name}.bin`),
      new Uint8Array((t.data as Float32Array).buffer),
    );
    (entry.outputs as Record<string, unknown>)[name] = t.dims;
  }
  manifest[role] = entry;
}
await Deno.writeTextFile(join(out, "manifest.json"), JSON.stringify(manifest, null, 2));
// deno-lint-ignore no-console
console.log(`wrote ${Object.keys(manifest).join(", ")} inputs/outputs to ${out}`);
