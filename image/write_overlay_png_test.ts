import assert from "node:assert/strict";
import sharp from "sharp";
import { writeOverlayPng } from "./write_overlay_png.ts";
import { renderOverlay } from "./render_overlay.ts";

Deno.test("writeOverlayPng() writes the rendered overlay as an RGB PNG", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq_overlay_" });
  try {
    const h = 12, w = 16;
    const rgb = Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 7) % 256);
    const mask = new Uint8Array(h * w);
    for (let i = 20; i < 100; i++) mask[i] = 1;
    const masks = [{ mask, color: [30, 144, 255] as const }];
    const options = { points: [{ x: 3, y: 4, label: 1 }], boxes: [[1, 1, 9, 9]] };
    await writeOverlayPng(rgb, h, w, masks, `${dir}/o.png`, options);
    const { data, info } = await sharp(`${dir}/o.png`).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [w, h, 3]);
    assert.deepEqual(new Uint8Array(data), renderOverlay(rgb, h, w, masks, options));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
