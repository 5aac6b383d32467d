/**
 * The image that the SAM2 install runs through both encoders (shipped `.ort` and converted `.onnx`):
 * the first COCO-tiny val image in file-name order when the shared data is present, otherwise a
 * generated 480×640 scene (smooth gradients, a few discs and uniform noise from the seeded PRNG), so
 * that the check never needs the network and always exercises real-looking statistics.
 *
 * @module
 */
import { join } from "node:path";
import { createPrng } from "../../util/prng.ts";
import { exists } from "../../util/fs.ts";
import { sharedDataDir } from "../../util/paths.ts";
import { readImageRgb, type RgbImage } from "../../image/read_image_rgb.ts";

/** An image with a label saying where it came from (recorded in `sam.json` provenance). */
export interface VerificationImage {
  image: RgbImage;
  /** `coco-tiny/val2017/<file>` or `generated:seed=<n>,480x640`. */
  label: string;
}

/**
 * Generates a deterministic RGB scene.
 *
 * @param seed PRNG seed.
 * @param h Height.
 * @param w Width.
 * @returns Uint8Array `[h, w, 3]` HWC RGB.
 */
export function generateVerificationScene(seed: number, h: number, w: number): RgbImage {
  const prng = createPrng(seed);
  const discs = Array.from({ length: 6 }, () => ({
    cx: prng.next() * w,
    cy: prng.next() * h,
    r: (0.05 + 0.2 * prng.next()) * Math.min(h, w),
    rgb: [prng.int(256), prng.int(256), prng.int(256)],
  }));
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let rgb = [(255 * x) / w, (255 * y) / h, 128];
      for (const d of discs) if ((x - d.cx) ** 2 + (y - d.cy) ** 2 < d.r ** 2) rgb = d.rgb as number[];
      for (let c = 0; c < 3; c++) {
        const v = (rgb[c] as number) + (prng.next() - 0.5) * 24;
        data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { data, h, w };
}

/** Picks the verification image: a real COCO-tiny image if present, else a generated scene. */
export async function sam2VerificationImage(seed = 0): Promise<VerificationImage> {
  const dir = join(sharedDataDir(), "coco-tiny", "val2017");
  if (await exists(dir)) {
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /\.(jpe?g|png)$/i.test(e.name)) names.push(e.name);
    }
    names.sort();
    const first = names[0];
    if (first !== undefined) {
      return { image: await readImageRgb(join(dir, first)), label: `coco-tiny/val2017/${first}` };
    }
  }
  return { image: generateVerificationScene(seed, 480, 640), label: `generated:seed=${seed},480x640` };
}
