import assert from "node:assert/strict";
import sharp from "sharp";
import { writeMaskPng } from "./write_mask_png.ts";
import { SamqError } from "../util/errors.ts";

Deno.test("writeMaskPng() writes a 0/255 greyscale PNG and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq_mask_png_" });
  try {
    const mask = new Uint8Array([0, 1, 7, 0, 0, 1]);
    await writeMaskPng(mask, 2, 3, `${dir}/m.png`);
    const meta = await sharp(`${dir}/m.png`).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels, meta.space], [
      "png",
      3,
      2,
      1,
      "b-w",
    ]);
    const { data } = await sharp(`${dir}/m.png`).toColourspace("b-w").raw().toBuffer({
      resolveWithObject: true,
    });
    assert.deepEqual(Array.from(data), [0, 255, 255, 0, 0, 255]);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["m.png"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeMaskPng() rejects a size mismatch and reports unwritable paths", async () => {
  await assert.rejects(
    () => writeMaskPng(new Uint8Array(5), 2, 3, "/tmp/x.png"),
    (e) => e instanceof SamqError && e.code === "invalid_argument",
  );
  await assert.rejects(
    () => writeMaskPng(new Uint8Array(6), 2, 3, "/nonexistent-dir-samq/x.png"),
    (e) => e instanceof SamqError && e.code === "io",
  );
});
