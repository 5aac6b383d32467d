/**
 * Prompt batching for learning: the decoder made prompt-batched by `onnx/passes/batch_prompts.ts` (the pass
 * the automatic mask generator uses), and a probe on real feeds that a batched run gives every prompt the
 * output it gives alone. Learning batches a step's prompts only where both hold.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { Graph } from "../../onnx/ir/graph.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import { batchPrompts } from "../../onnx/passes/batch_prompts.ts";
import { SamqError } from "../../util/errors.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import { stackPrompts } from "./chained_runner.ts";
import { openGraphSession } from "../calibrate/sam_feeds.ts";

/** Relative agreement a batched output must reach with the single-prompt outputs. */
const TOLERANCE = 1e-4;

/**
 * A prompt-batched copy of an official-layout decoder graph (multimask, every output kept), or undefined
 * when the pass does not recognise the graph. Reductions are left as they are: learning needs agreement
 * to float tolerance, not the bitwise batch invariance the automatic mask generator asks for.
 */
export function batchedDecoder(decoder: Graph): Graph | undefined {
  const g = extractSubgraph(decoder, decoder.inputs.map((t) => t.name), decoder.outputs.map((t) => t.name));
  try {
    batchPrompts(g, { batchInvariantReductions: false });
    return g;
  } catch (e) {
    if (e instanceof SamqError) return undefined;
    throw e;
  }
}

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
  const b = batchedDecoder(decoder);
  if (b === undefined) return false;
  const g = extractSubgraph(b, b.inputs.map((t) => t.name), [output]);
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
