/**
 * Internal: the one `Dataset` implementation. Loaders parse their format into {@link IndexedImage}
 * records (with raw COCO segmentations, no pixels) and wrap them here.
 *
 * @module
 */
import { annToRle, decodeRleRowMajor, type Rle } from "../mask/mod.ts";
import { readImageRgb } from "../image/read_image_rgb.ts";
import { SamqError } from "../util/errors.ts";
import { sha256Bytes } from "../util/hash.ts";
import type {
  Dataset,
  DatasetCategory,
  DatasetDescription,
  DatasetKind,
  DatasetObject,
  Sample,
} from "./dataset.ts";

/** An object as parsed from the annotations. */
export interface IndexedObject {
  annId: number;
  categoryId: number;
  iscrowd: boolean;
  area: number;
  bboxXywh: [number, number, number, number];
  /** COCO segmentation: polygons, uncompressed RLE or compressed RLE (already shape-checked). */
  segmentation: unknown;
  /** JSON pointer of the annotation, for error messages. */
  field: string;
}

/** An image as parsed from the annotations. */
export interface IndexedImage {
  imageId: number;
  fileName: string;
  path: string;
  h: number;
  w: number;
  objects: IndexedObject[];
}

/** Everything the dataset wrapper needs. */
export interface IndexedDatasetInit {
  name: string;
  kind: DatasetKind;
  annotationPath: string;
  imageDir: string;
  /** Images after `limit`. */
  images: IndexedImage[];
  categories: DatasetCategory[];
  limit: number | null;
  /** The annotation bytes (or a digest of them) that enter the hash. */
  annotationDigest: Uint8Array;
}

function makeObject(img: IndexedImage, o: IndexedObject, annotationPath: string): DatasetObject {
  const rle = (): Rle => {
    let r: Rle;
    try {
      r = annToRle(o.segmentation, img.h, img.w);
    } catch (e) {
      throw new SamqError(
        "invalid_dataset",
        `Cannot decode annotation ${o.annId} in "${annotationPath}": ${(e as Error).message}`,
        { path: annotationPath, field: `${o.field}/segmentation`, cause: e },
      );
    }
    if (r.size[0] !== img.h || r.size[1] !== img.w) {
      throw new SamqError(
        "invalid_dataset",
        `Cannot decode annotation ${o.annId} in "${annotationPath}": mask size [${r.size}] differs from image [${img.h}, ${img.w}]`,
        { path: annotationPath, field: `${o.field}/segmentation/size` },
      );
    }
    return r;
  };
  return {
    annId: o.annId,
    categoryId: o.categoryId,
    iscrowd: o.iscrowd,
    area: o.area,
    bboxXywh: o.bboxXywh,
    rle,
    mask: () => decodeRleRowMajor(rle()),
  };
}

/** Wraps parsed records as a {@link Dataset}. */
export function createIndexedDataset(init: IndexedDatasetInit): Dataset {
  const { images, categories, annotationPath } = init;
  const list = new TextEncoder().encode(images.map((i) => i.fileName).join("\n"));
  const buf = new Uint8Array(init.annotationDigest.length + 1 + list.length);
  buf.set(init.annotationDigest, 0);
  buf[init.annotationDigest.length] = 0x0a;
  buf.set(list, init.annotationDigest.length + 1);
  const hash = sha256Bytes(buf);
  const objects = images.reduce((n, i) => n + i.objects.length, 0);
  const crowd = images.reduce((n, i) => n + i.objects.filter((o) => o.iscrowd).length, 0);
  const description: DatasetDescription = {
    name: init.name,
    kind: init.kind,
    annotationPath,
    imageDir: init.imageDir,
    images: images.length,
    objects,
    crowd,
    categories: categories.length,
    limit: init.limit,
    hash,
  };
  return {
    name: init.name,
    kind: init.kind,
    hash,
    imageIds: images.map((i) => i.imageId),
    categories,
    async *samples(): AsyncIterableIterator<Sample> {
      for (const img of images) {
        yield {
          imageId: img.imageId,
          fileName: img.fileName,
          path: img.path,
          h: img.h,
          w: img.w,
          objects: img.objects.map((o) => makeObject(img, o, annotationPath)),
          readImage: async () => {
            const rgb = await readImageRgb(img.path);
            if (rgb.h !== img.h || rgb.w !== img.w) {
              throw new SamqError(
                "invalid_dataset",
                `Cannot use image "${img.path}": it is ${rgb.h}×${rgb.w} but the annotations say ${img.h}×${img.w}`,
                { path: img.path, field: "height/width" },
              );
            }
            return rgb;
          },
        };
      }
    },
    describe: () => ({ ...description }),
    toCocoJson: () => ({
      images: images.map((i) => ({ id: i.imageId, file_name: i.fileName, height: i.h, width: i.w })),
      annotations: images.flatMap((i) =>
        i.objects.map((o) => ({
          id: o.annId,
          image_id: i.imageId,
          category_id: o.categoryId,
          iscrowd: o.iscrowd ? 1 : 0,
          area: o.area,
          bbox: o.bboxXywh,
          segmentation: o.segmentation,
        }))
      ),
      categories: categories.map((c) => ({ ...c })),
    }),
  };
}

/** Throws `invalid_dataset` naming the first image (after limit) whose file is missing. */
export async function checkImagesExist(images: IndexedImage[], annotationPath: string): Promise<void> {
  for (const img of images) {
    try {
      const st = await Deno.stat(img.path);
      if (!st.isFile) throw new Deno.errors.NotFound();
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new SamqError(
        "invalid_dataset",
        `Cannot open dataset "${annotationPath}": image file "${img.path}" (image id ${img.imageId}) does not exist`,
        { path: img.path, field: "file_name", cause: e },
      );
    }
  }
}
