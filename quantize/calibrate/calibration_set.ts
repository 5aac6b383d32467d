/**
 * The calibration set: the first N images of a named dataset split, each with a few decoder prompts (the
 * center point and the GT box of its first `promptsPerImage` prompted objects, spec §A4.1 rules: crowd
 * objects and area < 1 skipped), checked disjoint from the evaluation data (DESIGN §3, spec §14.3).
 *
 * Disjointness: calibrating on the evaluation spec itself (`coco-tiny` = `coco-tiny:val`) is refused
 * without reading any file; otherwise both sets are opened and compared by image content
 * (`assertDisjoint`). When the evaluation set is the default and its files are absent, the check is
 * recorded as skipped; an evaluation set given explicitly must exist.
 *
 * Memory: only file names and prompts are held; pixels are decoded per image by `readImage()`.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { assertDisjoint } from "../../datasets/assert_disjoint.ts";
import { openDataset } from "../../datasets/open_dataset.ts";
import type { Sample } from "../../datasets/dataset.ts";
import { centerPoint } from "../../datasets/prompts/center_point.ts";
import { gtBoxXyxy } from "../../datasets/prompts/gt_box_xyxy.ts";
import { selectPromptObjects } from "../../datasets/prompts/select_prompt_objects.ts";
import type { RgbImage } from "../../image/read_image_rgb.ts";

/** One decoder prompt in original-image pixels. */
export interface CalibrationPrompt {
  annId: number;
  /** One positive click `[[x, y]]` (point prompt) … */
  points?: [number, number][];
  /** … or one XYXY box (box prompt). */
  box?: [number, number, number, number];
}

/** One calibration image. */
export interface CalibrationImage {
  imageId: number;
  fileName: string;
  path: string;
  h: number;
  w: number;
  prompts: CalibrationPrompt[];
  readImage(): Promise<RgbImage>;
}

/** How disjointness from the evaluation data was established. */
export interface DisjointCheck {
  /** Evaluation spec compared against, or null when none. */
  evalData: string | null;
  /** True when the two sets were compared image by image. */
  checked: boolean;
  /** Why the comparison was skipped, when it was. */
  note?: string;
}

/** An opened calibration set. */
export interface CalibrationSet {
  spec: string;
  /** The dataset hash (annotations + image list after the limit). */
  hash: string;
  images: CalibrationImage[];
  promptsPerImage: number;
  disjoint: DisjointCheck;
}

/** Options of {@link openCalibrationSet}. */
export interface CalibrationSetOptions {
  /** Number of images (the first N in file order). */
  n: number;
  /** Evaluation dataset spec to stay disjoint from; null: none. */
  evalData: string | null;
  /** True when `evalData` was given explicitly (then it must exist). @default false */
  evalDataRequired?: boolean;
  /** Prompted objects per image (each gives a point and a box prompt). @default 4 */
  promptsPerImage?: number;
}

/** Spec aliases: `coco-tiny` is `coco-tiny:val`, `dsb2018` is `dsb2018:train`. */
export function canonicalDatasetSpec(spec: string): string {
  if (spec === "coco-tiny") return "coco-tiny:val";
  if (spec === "dsb2018") return "dsb2018:train";
  return spec;
}

/**
 * Opens the calibration set.
 *
 * @throws {SamqError} `invalid_argument` (field "n") for a bad count; `invalid_dataset` (field
 *   "calibration") when the set is the evaluation set, overlaps it, or has no images, (field "n") when it
 *   has fewer than `n`; dataset errors.
 */
export async function openCalibrationSet(
  spec: string,
  options: CalibrationSetOptions,
): Promise<CalibrationSet> {
  const { n, evalData } = options;
  const perImage = options.promptsPerImage ?? 4;
  if (!Number.isInteger(n) || n < 1) {
    throw new SamqError("invalid_argument", `Cannot calibrate on ${n} images: need an integer >= 1`, {
      field: "n",
    });
  }
  if (evalData !== null && canonicalDatasetSpec(spec) === canonicalDatasetSpec(evalData)) {
    throw new SamqError(
      "invalid_dataset",
      `Cannot calibrate on "${spec}": it is the evaluation set "${evalData}" (calibrate on another split, e.g. coco-tiny:train)`,
      { field: "calibration" },
    );
  }
  const ds = await openDataset(spec, { limit: n });
  const disjoint = await checkDisjoint(ds, evalData, options.evalDataRequired ?? false);
  const images: CalibrationImage[] = [];
  for await (const s of ds.samples()) images.push(toImage(s, perImage));
  if (images.length === 0) {
    throw new SamqError("invalid_dataset", `Cannot calibrate on "${spec}": it has no images`, {
      field: "calibration",
    });
  }
  // As the bench refuses it: a record saying n = 32 must not hide a calibration on fewer images.
  if (images.length < n) {
    throw new SamqError(
      "invalid_dataset",
      `Cannot calibrate on "${spec}": it has ${images.length} images, fewer than n = ${n}`,
      { field: "n" },
    );
  }
  return { spec, hash: ds.hash, images, promptsPerImage: perImage, disjoint };
}

async function checkDisjoint(
  ds: Awaited<ReturnType<typeof openDataset>>,
  evalData: string | null,
  required: boolean,
): Promise<DisjointCheck> {
  if (evalData === null) return { evalData, checked: false, note: "no evaluation set given" };
  let other;
  try {
    other = await openDataset(evalData);
  } catch (e) {
    if (!required && e instanceof SamqError && e.code === "not_found") {
      return { evalData, checked: false, note: `evaluation set not found: ${e.message}` };
    }
    throw e;
  }
  await assertDisjoint(ds, other);
  return { evalData, checked: true };
}

function toImage(s: Sample, perImage: number): CalibrationImage {
  const prompts: CalibrationPrompt[] = [];
  const objects = selectPromptObjects(s.objects, { skipCrowd: true, minArea: 1 }).slice(0, perImage);
  for (const o of objects) {
    const c = centerPoint(o.mask(), s.h, s.w);
    if (c !== null) prompts.push({ annId: o.annId, points: [[c.x, c.y]] });
    prompts.push({ annId: o.annId, box: gtBoxXyxy(o.bboxXywh) });
  }
  return {
    imageId: s.imageId,
    fileName: s.fileName,
    path: s.path,
    h: s.h,
    w: s.w,
    prompts,
    readImage: () => s.readImage(),
  };
}
