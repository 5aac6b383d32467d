/**
 * Deterministic synthetic scenes for tests and the demo: textured ellipses, rotated rectangles and
 * star-shaped polygons on a textured background, written as PNG images plus a COCO instances JSON with
 * compressed RLE masks.
 *
 * Each image is (round(0.75·size))×size (H×W, deliberately not square so that transposed layouts fail
 * loudly). Shapes are painted in order, later ones occluding earlier ones; an object's mask is its
 * visible part, and objects with fewer than {@link SYNTHETIC_MIN_AREA} visible pixels are painted over
 * with background (so every visible shape is annotated). All randomness comes from one `createPrng(seed)`
 * stream consumed in a fixed order, so the same options give byte-identical files.
 *
 * Layout written: `<dir>/images/000001.png …`, `<dir>/annotations/instances_synthetic.json`; categories
 * 1 ellipse, 2 rectangle, 3 polygon. The folder appears atomically (built under a temporary name, then
 * renamed).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import sharp from "sharp";
import { encodeMaskRowMajor, rleArea, rleToBbox, rleToString } from "../mask/mod.ts";
import { SamqError } from "../util/errors.ts";
import { createPrng, type Prng } from "../util/prng.ts";

/** Bump when the generated content changes (it is recorded in the JSON `info`). */
export const SYNTHETIC_VERSION = 1;
/** Objects with a smaller visible area are dropped. */
export const SYNTHETIC_MIN_AREA = 40;

/** Options of {@link generateSyntheticDataset}. */
export interface SyntheticOptions {
  /** PRNG seed (32-bit integer). */
  seed: number;
  /** Number of images. */
  count: number;
  /** Image width in pixels (height is round(0.75·size)); at least 32. */
  size: number;
}

/** What was written. */
export interface SyntheticResult {
  /** The dataset folder. */
  dir: string;
  /** The COCO JSON file. */
  annotationPath: string;
  /** Number of images. */
  images: number;
  /** Number of annotated objects. */
  objects: number;
}

interface Shape {
  category: 1 | 2 | 3;
  inside: (x: number, y: number) => boolean;
  rgb: [number, number, number];
  freq: number;
  angle: number;
  amp: number;
}

const CATEGORIES = [{ id: 1, name: "ellipse" }, { id: 2, name: "rectangle" }, { id: 3, name: "polygon" }];

function randomShape(prng: Prng, h: number, w: number): Shape {
  const category = (1 + prng.int(3)) as 1 | 2 | 3;
  const s = Math.min(h, w);
  const cx = prng.next() * w, cy = prng.next() * h;
  const r = s * (0.08 + 0.2 * prng.next());
  const rot = prng.next() * Math.PI;
  const c = Math.cos(rot), sn = Math.sin(rot);
  let inside: (x: number, y: number) => boolean;
  if (category === 1) {
    const rx = r, ry = r * (0.4 + 0.6 * prng.next());
    inside = (x, y) => {
      const u = ((x - cx) * c + (y - cy) * sn) / rx, v = (-(x - cx) * sn + (y - cy) * c) / ry;
      return u * u + v * v <= 1;
    };
  } else if (category === 2) {
    const a = r, b = r * (0.3 + 0.7 * prng.next());
    inside = (x, y) =>
      Math.abs((x - cx) * c + (y - cy) * sn) <= a && Math.abs(-(x - cx) * sn + (y - cy) * c) <= b;
  } else {
    const n = 3 + prng.int(5);
    const angles = Array.from({ length: n }, () => prng.next() * 2 * Math.PI).sort((p, q) => p - q);
    const radii = angles.map(() => r * (0.5 + 0.5 * prng.next()));
    const vx = angles.map((t, i) => cx + radii[i]! * Math.cos(t));
    const vy = angles.map((t, i) => cy + radii[i]! * Math.sin(t));
    inside = (x, y) => {
      let odd = false;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = vy[i]!, yj = vy[j]!;
        if ((yi > y) !== (yj > y) && x < ((vx[j]! - vx[i]!) * (y - yi)) / (yj - yi) + vx[i]!) odd = !odd;
      }
      return odd;
    };
  }
  const rgb: [number, number, number] = [30 + prng.int(200), 30 + prng.int(200), 30 + prng.int(200)];
  return {
    category,
    inside,
    rgb,
    freq: 0.1 + 0.5 * prng.next(),
    angle: prng.next() * Math.PI,
    amp: 10 + prng.int(40),
  };
}

function renderScene(prng: Prng, h: number, w: number) {
  const bg = randomShape(prng, h, w); // only its texture is used
  bg.amp = 20 + prng.int(30);
  bg.freq = 0.02 + 0.08 * prng.next();
  const shapes = Array.from({ length: 2 + prng.int(5) }, () => randomShape(prng, h, w));
  const labels = new Int32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = shapes.length - 1; k >= 0; k--) {
        if (shapes[k]!.inside(x + 0.5, y + 0.5)) {
          labels[y * w + x] = k + 1;
          break;
        }
      }
    }
  }
  const areas = new Int32Array(shapes.length + 1);
  for (const l of labels) areas[l]!++;
  for (let i = 0; i < labels.length; i++) if (areas[labels[i]!]! < SYNTHETIC_MIN_AREA) labels[i] = 0;
  const rgb = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = labels[y * w + x]!;
      const s = l === 0 ? bg : shapes[l - 1]!;
      const t = Math.sin(s.freq * (x * Math.cos(s.angle) + y * Math.sin(s.angle)));
      const noise = (prng.next() - 0.5) * 24;
      for (let ch = 0; ch < 3; ch++) {
        const v = s.rgb[ch]! + s.amp * t * (ch === 1 ? -1 : 1) + noise;
        rgb[(y * w + x) * 3 + ch] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  const objects = shapes.map((s, k) => ({ category: s.category, label: k + 1 })).filter((o) =>
    areas[o.label]! >= SYNTHETIC_MIN_AREA
  );
  return { rgb, labels, objects };
}

/**
 * Generates a synthetic dataset into a new folder.
 *
 * @param dir Target folder; must not exist yet.
 * @param options Seed, image count and size.
 * @returns Paths and counts.
 * @throws {SamqError} `invalid_argument` for bad options (`field` names it) or an existing `dir`.
 *
 * @example Usage
 * ```ts ignore
 * import { generateSyntheticDataset } from "./synthetic.ts";
 * await generateSyntheticDataset("/tmp/syn", { seed: 1, count: 8, size: 320 });
 * ```
 */
export async function generateSyntheticDataset(
  dir: string,
  options: SyntheticOptions,
): Promise<SyntheticResult> {
  const { seed, count, size } = options;
  const bad = (field: string, msg: string) =>
    new SamqError("invalid_argument", `Cannot generate synthetic dataset: ${msg}`, { field });
  if (!Number.isInteger(seed)) throw bad("seed", `seed must be an integer, got ${seed}`);
  if (!Number.isInteger(count) || count < 1) {
    throw bad("count", `count must be a positive integer, got ${count}`);
  }
  if (!Number.isInteger(size) || size < 32 || size > 4096) {
    throw bad("size", `size must be an integer in [32, 4096], got ${size}`);
  }
  if (await Deno.stat(dir).then(() => true, () => false)) throw bad("dir", `folder "${dir}" already exists`);
  const h = Math.round(0.75 * size), w = size;
  const prng = createPrng(seed);
  // A fresh temp folder per call: two callers in one process (parallel tests) must not share one.
  await Deno.mkdir(dirname(dir), { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: dirname(dir), prefix: `${basename(dir)}.tmp-` });
  await Deno.mkdir(join(tmp, "images"), { recursive: true });
  await Deno.mkdir(join(tmp, "annotations"), { recursive: true });
  const images: unknown[] = [];
  const annotations: unknown[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { rgb, labels, objects } = renderScene(prng, h, w);
      const fileName = `${String(i + 1).padStart(6, "0")}.png`;
      const png = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
        .png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
        .toBuffer();
      await Deno.writeFile(
        join(tmp, "images", fileName),
        new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
      );
      images.push({ id: i + 1, file_name: fileName, height: h, width: w });
      for (const o of objects) {
        const rle = encodeMaskRowMajor(Uint8Array.from(labels, (l) => (l === o.label ? 1 : 0)), h, w);
        annotations.push({
          id: annotations.length + 1,
          image_id: i + 1,
          category_id: o.category,
          iscrowd: 0,
          area: rleArea(rle),
          bbox: rleToBbox(rle),
          segmentation: { size: [h, w], counts: rleToString(rle) },
        });
      }
    }
    const json = {
      info: { description: "samq synthetic scenes", version: SYNTHETIC_VERSION, seed, count, size },
      images,
      annotations,
      categories: CATEGORIES,
    };
    await Deno.writeTextFile(join(tmp, "annotations", "instances_synthetic.json"), JSON.stringify(json));
    try {
      await Deno.rename(tmp, dir);
    } catch (e) {
      // Another process may have produced the same (deterministic) folder meanwhile.
      if (!(await Deno.stat(dir).then(() => true, () => false))) throw e;
      await Deno.remove(tmp, { recursive: true });
    }
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => undefined);
    throw e;
  }
  return {
    dir,
    annotationPath: join(dir, "annotations", "instances_synthetic.json"),
    images: count,
    objects: annotations.length,
  };
}
