import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { exists } from "../../util/fs.ts";
import { createPrng } from "../../util/prng.ts";
import { REPO_ROOT } from "../../util/paths.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { writeModel } from "../../onnx/io/write_model.ts";
import { convertOrtToOnnx, isOrtFormat } from "./sam2_convert_encoder.ts";
import { compareEncoders } from "./sam2_compare_encoders.ts";

const TINY_ENCODER = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official", "encoder.onnx");

/** Saves the tiny fixture encoder in ORT format (what the SAM2 package ships) into `dir`. */
async function tinyOrt(dir: string): Promise<string> {
  const path = join(dir, "tiny.ort");
  const s = await ort.InferenceSession.create(TINY_ENCODER, {
    graphOptimizationLevel: "disabled",
    optimizedModelFilePath: path,
    logSeverityLevel: 3,
  });
  await s.release();
  return path;
}

function tinyPixels(seed: number): Float32Array {
  const prng = createPrng(seed);
  return Float32Array.from({ length: 3 * 256 * 256 }, () => prng.normal());
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-sam2-convert-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("convertOrtToOnnx() turns an ORT-format model back into an equivalent default-domain ONNX graph", async () => {
  await withTmp(async (dir) => {
    const ortPath = await tinyOrt(dir);
    assert.ok(isOrtFormat(await Deno.readFile(ortPath)));
    const out = join(dir, "encoder.onnx");
    const summary = await convertOrtToOnnx(ortPath, out);
    const original = (await readModel(TINY_ENCODER)).graph.summary();
    // Compute ops survive one for one; ORT turns Constant nodes into initializers.
    for (const op of ["MatMul", "Conv", "LayerNormalization", "Softmax", "Erf", "Einsum", "Resize"]) {
      assert.equal(summary.opCensus[op], original.opCensus[op], op);
    }
    assert.equal(summary.opCensus.Constant, undefined);
    // ORT lists every domain it knows; only the used default domain may remain.
    assert.deepEqual((await readModel(out)).graph.opset, { "": 17 });
    const cmp = await compareEncoders(TINY_ENCODER, out, tinyPixels(1));
    assert.ok(cmp.maxAbsDiff <= 1e-6, `max abs diff ${cmp.maxAbsDiff}`);
    assert.ok((cmp.maxAbsPerOutput.image_embeddings ?? 0) > 0);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["encoder.onnx", "tiny.ort"]);
  });
});

Deno.test("convertOrtToOnnx() rejects files that are not ORT-format models and writes nothing", async () => {
  await withTmp(async (dir) => {
    const onnxAsOrt = join(dir, "onnx.ort");
    await Deno.copyFile(TINY_ENCODER, onnxAsOrt);
    const garbage = join(dir, "garbage.ort");
    const bytes = new Uint8Array(4096).fill(7);
    bytes.set(new TextEncoder().encode("ORTM"), 4);
    await Deno.writeFile(garbage, bytes);
    for (const path of [onnxAsOrt, garbage]) {
      await assert.rejects(
        () => convertOrtToOnnx(path, join(dir, "out.onnx")),
        (e: unknown) => e instanceof SamqError && e.code === "invalid_model" && e.path === path,
        path,
      );
    }
    assert.equal(await exists(join(dir, "out.onnx")), false);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["garbage.ort", "onnx.ort"]);
  });
});

Deno.test("convertOrtToOnnx() fails with the op named when the converted census differs from the expected one", async () => {
  await withTmp(async (dir) => {
    const ortPath = await tinyOrt(dir);
    const out = join(dir, "encoder.onnx");
    const cases: [Parameters<typeof convertOrtToOnnx>[2], string][] = [
      [{ opset: 17, ops: { Conv: 7 }, parameters: 60438 }, "Conv"],
      [{ opset: 16, ops: {}, parameters: 60438 }, "opset"],
      [{ opset: 17, ops: { MatMul: 12 }, parameters: 1 }, "parameters"],
    ];
    for (const [expect, field] of cases) {
      await assert.rejects(
        () => convertOrtToOnnx(ortPath, out, expect),
        (e: unknown) => e instanceof SamqError && e.code === "incompatible" && e.field === field,
        field,
      );
      assert.equal(await exists(out), false, `${field}: output written`);
    }
  });
});

Deno.test("compareEncoders() reports a perturbed weight and a missing output", async () => {
  await withTmp(async (dir) => {
    const model = await readModel(TINY_ENCODER);
    const bias = model.graph.initializers().find((c) =>
      c.name === "model.vision_encoder.patch_embed.projection.bias"
    );
    assert.ok(bias);
    const v = Float32Array.from(bias.values() as Float32Array);
    v[0] = (v[0] as number) + 0.5;
    bias.setValues(v);
    const perturbed = join(dir, "perturbed.onnx");
    await writeModel(model, perturbed);
    const cmp = await compareEncoders(TINY_ENCODER, perturbed, tinyPixels(2));
    assert.ok(cmp.maxAbsDiff > 1e-3, `max abs diff ${cmp.maxAbsDiff}`);

    const renamed = await readModel(TINY_ENCODER);
    const output = renamed.graph.outputs[0];
    assert.ok(output);
    output.name = "other_name";
    const renamedPath = join(dir, "renamed.onnx");
    await writeModel(renamed, renamedPath);
    await assert.rejects(
      () => compareEncoders(TINY_ENCODER, renamedPath, tinyPixels(2)),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_model" && e.field === "image_embeddings",
    );
    await assert.rejects(
      () => compareEncoders(TINY_ENCODER, perturbed, new Float32Array(10)),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "input_image",
    );
  });
});
