import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { importModelDir } from "./model_import.ts";
import { loadModelDir, verifyModelDir } from "./model_dir.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam");

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-import-" });
  const prev = Deno.env.get("SAMQ_MODELS");
  Deno.env.set("SAMQ_MODELS", join(dir, "models"));
  try {
    await fn(dir);
  } finally {
    if (prev === undefined) Deno.env.delete("SAMQ_MODELS");
    else Deno.env.set("SAMQ_MODELS", prev);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("importModelDir() detects each layout from the ONNX interfaces and registers the folder", async () => {
  await withTmp(async (dir) => {
    for (
      const [layout, files] of [
        ["official", ["encoder.onnx", "decoder.onnx"]],
        ["hf", ["vision_encoder.onnx", "prompt_encoder_mask_decoder.onnx"]],
      ] as const
    ) {
      const src = join(dir, `export-${layout}`);
      await Deno.mkdir(src);
      for (const f of files) await Deno.copyFile(join(TINY, layout, f), join(src, f));
      const cfg = await importModelDir(src, { name: `t-${layout}` });
      assert.equal(cfg.format, layout);
      const model = await loadModelDir(`t-${layout}`);
      assert.deepEqual(await verifyModelDir(model), []);
    }
  });
});

Deno.test("importModelDir() rejects folders without a matching pair and lists what it found", async () => {
  await withTmp(async (dir) => {
    const src = join(dir, "mixed");
    await Deno.mkdir(src);
    // Encoder of one layout with the decoder of the other: neither interface matches.
    await Deno.copyFile(join(TINY, "official", "encoder.onnx"), join(src, "encoder.onnx"));
    await Deno.copyFile(join(TINY, "hf", "prompt_encoder_mask_decoder.onnx"), join(src, "decoder.onnx"));
    await assert.rejects(
      () => importModelDir(src),
      (e: unknown) =>
        e instanceof SamqError && e.code === "invalid_model" &&
        /encoder inputs \[input_image\].*decoder inputs \[image_embeddings, input_points/.test(e.message),
    );
    const empty = join(dir, "empty");
    await Deno.mkdir(empty);
    await Deno.writeTextFile(join(empty, "weights.onnx"), "x");
    await assert.rejects(
      () => importModelDir(empty),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_model" && /weights\.onnx/.test(e.message),
    );
    await assert.rejects(
      () => importModelDir(join(dir, "nope")),
      (e: unknown) => e instanceof SamqError && e.code === "not_found",
    );
  });
});
