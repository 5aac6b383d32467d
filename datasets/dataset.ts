/**
 * The dataset contract shared by every loader (COCO/LVIS JSON, SA-1B per-image JSON, folder of PNG
 * masks, synthetic scenes).
 *
 * A dataset is an index of images and their objects; pixels are never held. Iterating `samples()` yields
 * one image at a time; the image is decoded only when `readImage()` is called and each object's mask only
 * when `mask()` is called. Crowd objects (iscrowd = 1) are kept (they matter for mAP); the prompt
 * protocols skip them.
 *
 * @module
 */
import type { Rle } from "../mask/mod.ts";
import type { RgbImage } from "../image/read_image_rgb.ts";

/** Loader kinds, as used in dataset specs `kind:path[:split]`. */
export const DATASET_KINDS = ["coco", "sa1b", "folder", "synthetic"] as const;
/** One of {@link DATASET_KINDS}. */
export type DatasetKind = typeof DATASET_KINDS[number];

/** One annotated object of an image. */
export interface DatasetObject {
  /** Annotation id (unique in the dataset). */
  annId: number;
  /** Category id. */
  categoryId: number;
  /** Crowd region (excluded from prompts, kept for mAP). */
  iscrowd: boolean;
  /** Area in pixels as stored in the annotation (COCO buckets use this value). */
  area: number;
  /** [x, y, w, h] in pixels as stored (COCO convention). */
  bboxXywh: [number, number, number, number];
  /** The mask as a COCO RLE of size [h, w] (decoded from the annotation on each call). */
  rle(): Rle;
  /** The mask as h×w row-major 0/1 bytes (decoded on each call; not cached). */
  mask(): Uint8Array;
}

/** One image with its objects. */
export interface Sample {
  /** Image id (unique in the dataset). */
  imageId: number;
  /** File name relative to the image folder. */
  fileName: string;
  /** Absolute (or as given) path of the image file. */
  path: string;
  /** Height in pixels (from the annotations). */
  h: number;
  /** Width in pixels. */
  w: number;
  /** Objects in annotation-file order. */
  objects: DatasetObject[];
  /**
   * Decodes the image (8-bit RGB, HWC).
   * @throws {SamqError} `invalid_dataset` when the decoded size differs from (h, w).
   */
  readImage(): Promise<RgbImage>;
}

/** A category. */
export interface DatasetCategory {
  id: number;
  name: string;
}

/** What a dataset is, for run records and logs (JSON-serialisable). */
export interface DatasetDescription {
  /** The spec it was opened with, e.g. "coco-tiny:val". */
  name: string;
  kind: DatasetKind;
  /** Annotation file (or folder) it was read from. */
  annotationPath: string;
  /** Folder holding the images. */
  imageDir: string;
  /** Number of images (after `limit`). */
  images: number;
  /** Number of objects, crowd included. */
  objects: number;
  /** Number of crowd objects. */
  crowd: number;
  /** Number of categories. */
  categories: number;
  /** The `limit` applied (first N images in file order), or null. */
  limit: number | null;
  /** See {@link Dataset.hash}. */
  hash: string;
}

/** A COCO "instances" GT JSON object, as accepted by `loadCocoGt` in eval/coco. */
export interface CocoGtJson {
  images: { id: number; file_name: string; height: number; width: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    iscrowd: number;
    area: number;
    bbox: [number, number, number, number];
    segmentation: unknown;
  }[];
  categories: DatasetCategory[];
}

/** A loaded dataset. */
export interface Dataset {
  /** The spec it was opened with. */
  readonly name: string;
  readonly kind: DatasetKind;
  /**
   * sha256 (hex) of the annotation bytes followed by the image list (file names after `limit`, one per
   * line): identifies the evaluated data in run records.
   */
  readonly hash: string;
  /** Image ids in iteration order. */
  readonly imageIds: readonly number[];
  /** Categories in file order. */
  readonly categories: readonly DatasetCategory[];
  /** Streams the samples, one image at a time, in file order. */
  samples(): AsyncIterableIterator<Sample>;
  /** A summary for records and logs. */
  describe(): DatasetDescription;
  /** The GT in COCO format (only the images after `limit`), for COCOeval. */
  toCocoJson(): CocoGtJson;
}
