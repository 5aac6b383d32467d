/**
 * Folder loader: `images/` plus, per image `<stem>.<ext>`, either
 * - `masks/<stem>/<k>.png` — one binary PNG per instance (non-zero = object; instances in numeric order
 *   of k, then name order), or
 * - `masks/<stem>.png` — one instance-id PNG (8- or 16-bit; 0 = background, each other value one
 *   instance, in increasing value order).
 *
 * Images are taken in sorted file-name order and numbered 1..N; annotation ids run 1.. in image order.
 * Masks are decoded once at open time and kept only as compressed RLE (area = pixel count, bbox =
 * pycocotools `toBbox`); every object has category 1 ("object") and iscrowd 0.
 *
 * @module
 */
import { basename, extname, join } from "node:path";
import sharp from "sharp";
import { encodeMaskRowMajor, rleArea, rleToBbox, rleToString } from "../mask/mod.ts";
import { SamqError } from "../util/errors.ts";
import { sha256Bytes } from "../util/hash.ts";
import type { Dataset } from "./dataset.ts";
import { createIndexedDataset, type IndexedImage } from "./_indexed_dataset.ts";
import { readLabelPng } from "./_read_label_png.ts";

/** Options of {@link loadFolderDataset}. */
export interface LoadFolderDatasetOptions {
  /**
   * Keep only the first N images (sorted names).
   * @default null
   */
  limit?: number | null;
  /**
   * Name recorded in the description.
   * @default "folder:<dir>"
   */
  name?: string;
}

const IMAGE_EXTS = new Set([".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"]);

async function listDir(path: string): Promise<Deno.DirEntry[] | null> {
  try {
    const out: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(path)) out.push(e);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/**
 * Opens a folder dataset.
 *
 * @param dir Folder with `images/` and `masks/`.
 * @param options Limit and name.
 * @returns The dataset.
 * @throws {SamqError} `not_found` (missing folder or `images/`), `invalid_dataset` (an image without
 *   masks, a mask whose size differs from its image, an undecodable file; `path` names the file).
 */
export async function loadFolderDataset(
  dir: string,
  options: LoadFolderDatasetOptions = {},
): Promise<Dataset> {
  const limit = options.limit ?? null;
  const imageEntries = await listDir(join(dir, "images"));
  if (imageEntries === null) {
    throw new SamqError(
      "not_found",
      `Cannot open folder dataset "${dir}": folder "${join(dir, "images")}" does not exist`,
      {
        path: join(dir, "images"),
      },
    );
  }
  let files = imageEntries.filter((e) => e.isFile && IMAGE_EXTS.has(extname(e.name).toLowerCase())).map((e) =>
    e.name
  );
  if (limit !== null) files = files.slice(0, limit);
  const images: IndexedImage[] = [];
  const digest: string[] = [];
  let annId = 1;
  for (const [i, fileName] of files.entries()) {
    const path = join(dir, "images", fileName);
    const meta = await sharp(path).metadata().catch((e) => {
      throw new SamqError("invalid_dataset", `Cannot decode image "${path}": ${(e as Error).message}`, {
        path,
        cause: e,
      });
    });
    const h = meta.height ?? 0, w = meta.width ?? 0;
    const stem = basename(fileName, extname(fileName));
    const img: IndexedImage = { imageId: i + 1, fileName, path, h, w, objects: [] };
    const perInstance = await listDir(join(dir, "masks", stem));
    const addMask = (mask: Uint8Array, source: string) => {
      const rle = encodeMaskRowMajor(mask, h, w);
      const area = rleArea(rle);
      if (area === 0) return;
      img.objects.push({
        annId: annId++,
        categoryId: 1,
        iscrowd: false,
        area,
        bboxXywh: rleToBbox(rle),
        segmentation: { size: [h, w], counts: rleToString(rle) },
        field: source,
      });
    };
    const checkSize = (p: string, lh: number, lw: number) => {
      if (lh !== h || lw !== w) {
        throw new SamqError(
          "invalid_dataset",
          `Cannot use mask "${p}": it is ${lh}×${lw} but image "${path}" is ${h}×${w}`,
          {
            path: p,
          },
        );
      }
    };
    if (perInstance !== null) {
      const masks = perInstance.filter((e) => e.isFile && e.name.toLowerCase().endsWith(".png")).map((e) =>
        e.name
      );
      masks.sort((a, b) => (parseInt(a) - parseInt(b)) || (a < b ? -1 : a > b ? 1 : 0));
      for (const m of masks) {
        const p = join(dir, "masks", stem, m);
        const label = await readLabelPng(p);
        checkSize(p, label.h, label.w);
        digest.push(`${stem}/${m}:${sha256Bytes(await Deno.readFile(p))}`);
        addMask(Uint8Array.from(label.data, (v) => (v ? 1 : 0)), `masks/${stem}/${m}`);
      }
    } else {
      const p = join(dir, "masks", `${stem}.png`);
      const label = await readLabelPng(p).catch((e) => {
        if (e instanceof SamqError && e.code === "not_found") {
          throw new SamqError(
            "invalid_dataset",
            `Cannot open folder dataset "${dir}": image "${fileName}" has neither "masks/${stem}/" nor "masks/${stem}.png"`,
            { path, field: fileName, cause: e },
          );
        }
        throw e;
      });
      checkSize(p, label.h, label.w);
      digest.push(`${stem}.png:${sha256Bytes(await Deno.readFile(p))}`);
      const ids = [...new Set(label.data)].filter((v) => v !== 0).sort((a, b) => a - b);
      for (const id of ids) {
        addMask(Uint8Array.from(label.data, (v) => (v === id ? 1 : 0)), `masks/${stem}.png#${id}`);
      }
    }
    images.push(img);
  }
  return createIndexedDataset({
    name: options.name ?? `folder:${dir}`,
    kind: "folder",
    annotationPath: join(dir, "masks"),
    imageDir: join(dir, "images"),
    images,
    categories: [{ id: 1, name: "object" }],
    limit,
    annotationDigest: new TextEncoder().encode(digest.join("\n")),
  });
}
