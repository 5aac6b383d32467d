import { join } from "node:path";
import { sharedDataDir } from "../util/paths.ts";
import { exists } from "../util/fs.ts";
import assert from "node:assert/strict";
import sharp from "sharp";
import { readImageRgb } from "./read_image_rgb.ts";
import { sha256Bytes } from "../util/hash.ts";
import { SamqError } from "../util/errors.ts";

const COCO_IMAGE = join(sharedDataDir(), "coco-tiny", "val2017", "000000397133.jpg");
const HAVE_COCO = await exists(COCO_IMAGE);
const SKIP = HAVE_COCO ? "" : " (skipped: ../shared/data/coco-tiny missing)";
const PILLOW_MANIFEST = new URL("../tests/fixtures/pillow/manifest.json", import.meta.url);

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq_image_io_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("readImageRgb() reads RGB, drops alpha and expands grey", async () => {
  await withTmp(async (dir) => {
    const rgba = new Uint8Array([10, 20, 30, 0, 40, 50, 60, 255]);
    await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toFile(`${dir}/a.png`);
    const a = await readImageRgb(`${dir}/a.png`);
    assert.deepEqual({ h: a.h, w: a.w }, { h: 1, w: 2 });
    assert.deepEqual(Array.from(a.data), [10, 20, 30, 40, 50, 60]);

    const grey = new Uint8Array([0, 77, 200, 255, 1, 2]);
    await sharp(grey, { raw: { width: 3, height: 2, channels: 1 } }).png().toFile(`${dir}/g.png`);
    const g = await readImageRgb(`${dir}/g.png`);
    assert.deepEqual({ h: g.h, w: g.w }, { h: 2, w: 3 });
    assert.deepEqual(Array.from(g.data), Array.from(grey).flatMap((v) => [v, v, v]));
  });
});

Deno.test("readImageRgb() does not apply EXIF orientation", async () => {
  await withTmp(async (dir) => {
    const raw = new Uint8Array(4 * 2 * 3).fill(128);
    await sharp(raw, { raw: { width: 4, height: 2, channels: 3 } }).withMetadata({ orientation: 6 }).jpeg()
      .toFile(`${dir}/o.jpg`);
    const meta = await sharp(`${dir}/o.jpg`).metadata();
    assert.equal(meta.orientation, 6);
    const img = await readImageRgb(`${dir}/o.jpg`);
    assert.deepEqual({ h: img.h, w: img.w }, { h: 2, w: 4 });
  });
});

Deno.test(
  { name: "readImageRgb() decodes the COCO JPEG exactly like Pillow" + SKIP, ignore: !HAVE_COCO },
  async () => {
    const manifest = JSON.parse(await Deno.readTextFile(PILLOW_MANIFEST));
    const want = manifest.cases["000000397133.jpg"];
    const img = await readImageRgb(COCO_IMAGE);
    assert.deepEqual({ h: img.h, w: img.w }, { h: want.h, w: want.w });
    assert.equal(sha256Bytes(img.data), want.decoded_sha256);
  },
);

Deno.test("readImageRgb() reports missing, empty, non-image and truncated files", async () => {
  await withTmp(async (dir) => {
    const is = (code: string, path: string) => (e: unknown) =>
      e instanceof SamqError && e.code === code && e.path === path;
    await assert.rejects(() => readImageRgb(`${dir}/missing.jpg`), is("not_found", `${dir}/missing.jpg`));
    await Deno.writeFile(`${dir}/empty.png`, new Uint8Array());
    await assert.rejects(() => readImageRgb(`${dir}/empty.png`), is("invalid_image", `${dir}/empty.png`));
    await Deno.writeTextFile(`${dir}/text.jpg`, "not an image at all");
    await assert.rejects(() => readImageRgb(`${dir}/text.jpg`), is("invalid_image", `${dir}/text.jpg`));
    const noise = new Uint8Array(64 * 48 * 3).map((_, i) => (i * 7919) % 256);
    const jpg = new Uint8Array(
      await sharp(noise, { raw: { width: 64, height: 48, channels: 3 } }).jpeg().toBuffer(),
    );
    await Deno.writeFile(`${dir}/trunc.jpg`, jpg.subarray(0, Math.floor(jpg.length / 2)));
    await assert.rejects(() => readImageRgb(`${dir}/trunc.jpg`), is("invalid_image", `${dir}/trunc.jpg`));
  });
});
