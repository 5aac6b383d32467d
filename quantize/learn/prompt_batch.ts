/**
 * Whether a decoder graph runs several prompts of one image in one call and gives each the output it gives
 * alone. The official SAM export repeats the image embedding over the prompt rows, so it does once its
 * declared batch of 1 is relaxed; other exports fix the batch inside the graph (a Concat or Reshape with a
 * constant 1). Learning batches prompts only where this probe, on real feeds, says the results agree.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { Graph } from "../../onnx/ir/graph.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import { stackPrompts } from "./chained_runner.ts";
import { openGraphSession } from "./_sam_feeds.ts";

/** Relative agreement a batched output must reach with the single-prompt outputs. */
const TOLERANCE = 1e-4;

/**
 * True when `decoder` (up to `output`) gives every prompt of `prompts` the same `output` batched as alone
 * (max |Δ| ≤ 1e-4 · max |y|). Two or more prompts are needed to tell; with fewer it answers false.
 */
export async function decoderBatchesPrompts(
  decoder: Graph,
  output: string,
  prompts: readonly { feeds: Record<string, ort.Tensor> }[],
  batched: readonly string[],
  ep: ExecutionProvider,
): Promise<boolean> {
  if (prompts.length < 2) return false;
  const g = extractSubgraph(decoder, decoder.inputs.map((t) => t.name), [output]);
  for (const t of g.inputs) if (batched.includes(t.name) && t.shape) t.shape[0] = "samq_prompts";
  const session = await openGraphSession(g, ep);
  try {
    const items = prompts.map((p) => ({ feeds: p.feeds, target: p.feeds[batched[0]!]! }));
    let all: Float32Array;
    try {
      all = (await session.run(stackPrompts(items, batched).feeds))[output]!.data as Float32Array;
    } catch {
      return false;
    }
    let at = 0, maxDiff = 0, maxAbs = 0;
    for (const p of prompts) {
      const one = (await session.run(p.feeds))[output]!.data as Float32Array;
      if (at + one.length > all.length) return false;
      for (let k = 0; k < one.length; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(all[at + k]! - one[k]!));
        maxAbs = Math.max(maxAbs, Math.abs(one[k]!));
      }
      at += one.length;
    }
    return at === all.length && maxDiff <= TOLERANCE * Math.max(maxAbs, 1e-30);
  } finally {
    await session.release();
  }
}
