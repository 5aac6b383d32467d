import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { describeEvalModel } from "./record_model.ts";

/** One temporary root per test module, removed when the module unloads. */
const TMP = await Deno.makeTempDir({ prefix: "samq-model-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(TMP, { recursive: true }));

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

async function copyTiny(): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: TMP });
  for (const f of ["sam.json", "encoder.onnx", "decoder.onnx"]) {
    await Deno.copyFile(join(TINY, f), join(dir, f));
  }
  return dir;
}

Deno.test("describeEvalModel() hashes every model file and reports a float model", async () => {
  const d = await describeEvalModel(await loadModelDir(TINY));
  assert.equal(d.method, "float");
  assert.equal(d.bits, "fp32");
  assert.equal(d.info.quant, undefined);
  const bytes = await Deno.readFile(join(TINY, "decoder.onnx"));
  assert.equal(d.info.sha256["decoder.onnx"], createHash("sha256").update(bytes).digest("hex"));
  assert.deepEqual(Object.keys(d.info.sha256), ["decoder.onnx", "encoder.onnx"]);
});

/** The fields `readQuantJson` checks, plus a scalar (`seed`) and a table (`quantizers`). */
const QUANT = {
  schema: 1,
  method: "repq-vit",
  bits: { w: 4, a: 8 },
  bitsLabel: "w4a8",
  seed: 7,
  quantizers: [{ x: 1 }],
  audit: { ok: true },
};

Deno.test("describeEvalModel() reads method and bits from quant.json", async () => {
  const dir = await copyTiny();
  await Deno.writeTextFile(join(dir, "quant.json"), JSON.stringify(QUANT));
  const d = await describeEvalModel(await loadModelDir(dir));
  assert.equal(d.method, "repq-vit");
  assert.equal(d.bits, "w4a8");
  assert.deepEqual(d.info.quant?.fields, { schema: 1, method: "repq-vit", bitsLabel: "w4a8", seed: 7 });
});

Deno.test("describeEvalModel() names quant.json and the field when it is malformed", async () => {
  const dir = await copyTiny();
  const path = join(dir, "quant.json");
  for (
    const [json, field] of [
      [{ ...QUANT, method: undefined }, "method"],
      [{ ...QUANT, bits: "w4a4" }, "bits"],
      [{ ...QUANT, bits: { w: 10, a: 10 } }, "bits"],
      [{ ...QUANT, schema: 2 }, "schema"],
    ] as const
  ) {
    await Deno.writeTextFile(path, JSON.stringify(json));
    await assert.rejects(
      async () => describeEvalModel(await loadModelDir(dir)),
      (e: unknown) =>
        e instanceof SamqError && e.code === "invalid_file" && e.path === path && e.field === field,
    );
  }
});
