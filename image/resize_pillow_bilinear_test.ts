import { join } from "node:path";
import { sharedDataDir } from "../util/paths.ts";
import { exists } from "../util/fs.ts";
import assert from "node:assert/strict";
import { resizePillowBilinear } from "./resize_pillow_bilinear.ts";
import { readImageRgb } from "./read_image_rgb.ts";
import { sha256Bytes } from "../util/hash.ts";
import { SamqError } from "../util/errors.ts";

// Reference outputs from real Pillow (tools/pillow_reference.py); see the manifest for the Pillow version.
const FIXTURES = new URL("../tests/fixtures/pillow/", import.meta.url);
const COCO_IMAGE = join(sharedDataDir(), "coco-tiny", "val2017", "000000397133.jpg");
const HAVE_COCO = await exists(COCO_IMAGE);
const SKIP = HAVE_COCO ? "" : " (skipped: ../shared/data/coco-tiny missing)";

interface Output {
  file?: string;
  h: number;
  w: number;
  sha256: string;
}
interface Case {
  h: number;
  w: number;
  outputs: Output[];
  decoded_sha256?: string;
}
const manifest: { pillow: string; cases: Record<string, Case> } = JSON.parse(
  Deno.readTextFileSync(new URL("manifest.json", FIXTURES)),
);

function firstMismatch(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

Deno.test("resizePillowBilinear() is bit-exact with Pillow on random images (down, up, mixed)", () => {
  let checked = 0;
  for (const [name, c] of Object.entries(manifest.cases)) {
    if (!name.startsWith("random_")) continue;
    const src = Deno.readFileSync(new URL(`${name}.rgb`, FIXTURES));
    for (const o of c.outputs) {
      const want = Deno.readFileSync(new URL(o.file!, FIXTURES));
      const got = resizePillowBilinear(src, c.h, c.w, o.h, o.w);
      assert.equal(firstMismatch(got, want), -1, `${o.file}`);
      checked++;
    }
  }
  assert.ok(checked >= 9, `only ${checked} fixtures found`);
});

Deno.test({
  name: "resizePillowBilinear() is bit-exact with Pillow on a COCO image at its 1024 size" + SKIP,
  ignore: !HAVE_COCO,
}, async () => {
  const c = manifest.cases["000000397133.jpg"]!;
  const img = await readImageRgb(COCO_IMAGE);
  assert.equal(sha256Bytes(img.data), c.decoded_sha256, "decoded pixels differ from Pillow's");
  // The 1024 size (SAM's long-side rule) is checked in sam/preprocess/preprocess_shape_test.ts; here, Pillow's own.
  const o = c.outputs[0]!;
  const size = { h: o.h, w: o.w };
  assert.equal(sha256Bytes(resizePillowBilinear(img.data, img.h, img.w, size.h, size.w)), o.sha256);
});

Deno.test("resizePillowBilinear() copies at equal size and averages two pixels to one", () => {
  const src = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const same = resizePillowBilinear(src, 1, 2, 1, 2);
  assert.deepEqual(same, src);
  assert.notEqual(same, src);
  assert.deepEqual(Array.from(resizePillowBilinear(new Uint8Array([0, 0, 0, 255, 255, 255]), 1, 2, 1, 1)), [
    128,
    128,
    128,
  ]);
});

Deno.test("resizePillowBilinear() rejects bad sizes", () => {
  const bad = (e: unknown) => e instanceof SamqError && e.code === "invalid_argument";
  assert.throws(() => resizePillowBilinear(new Uint8Array(6), 1, 2, 0, 1), bad);
  assert.throws(() => resizePillowBilinear(new Uint8Array(5), 1, 2, 1, 1), bad);
});
