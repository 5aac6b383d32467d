/**
 * COCOeval parameters (cocoeval.py:498-534, spec §B4.1) with pycocotools' exact default values.
 *
 * - iouThrs = numpy `linspace(.5, .95, 10)`: 0.5 + i·((0.95 − 0.5)/9), the last forced to 0.95, so
 *   element 8 is 0.8999999999999999 (this decides matches at IoU exactly 0.9);
 * - recThrs = `linspace(0, 1, 101)`: i × 0.01 as a product (index 35 is 0.35000000000000003), the last 1.0;
 * - maxDets [1, 10, 100]; areaRng all/small/medium/large = [0, 1e10], [0, 32²], [32², 96²], [96², 1e10]
 *   (bounds inclusive at both ends); useCats on; imgIds/catIds = all, sorted.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { CocoGt } from "./coco_gt.ts";
import { IOU_TYPES, type IouType } from "./load_results.ts";

/** numpy's `linspace(start, stop, num)` for num ≥ 2, value for value. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(start + i * step);
  out[num - 1] = stop;
  return out;
}

/** Resolved evaluation parameters (`Params`). */
export interface CocoEvalParams {
  iouType: IouType;
  /** Unique, sorted. */
  imgIds: number[];
  /** Unique, sorted (ignored, K = 1, when `useCats` is false). */
  catIds: number[];
  iouThrs: number[];
  recThrs: number[];
  /** Sorted ascending; detections per image are cut to the last one. */
  maxDets: number[];
  areaRng: [number, number][];
  areaRngLbl: string[];
  useCats: boolean;
}

/** User options; every field falls back to the pycocotools default. */
export interface CocoEvalOptions {
  /** @default "segm" */
  iouType?: IouType;
  /** Evaluate per category (true) or class-agnostic (false; results of categories not in `catIds` dropped). @default true */
  useCats?: boolean;
  /** @default [1, 10, 100] */
  maxDets?: number[];
  /** Restrict to these images. @default all GT images */
  imgIds?: number[];
  /** Restrict to these categories. @default all GT categories */
  catIds?: number[];
  /** @default linspace(.5, .95, 10) */
  iouThrs?: number[];
  /** @default linspace(0, 1, 101) */
  recThrs?: number[];
  /** @default [[0, 1e10], [0, 1024], [1024, 9216], [9216, 1e10]] */
  areaRng?: [number, number][];
  /** @default ["all", "small", "medium", "large"] */
  areaRngLbl?: string[];
}

/** Shape of {@link DEFAULTS}. */
export interface CocoEvalDefaults {
  readonly iouType: IouType;
  readonly useCats: boolean;
  readonly maxDets: readonly number[];
  readonly iouThrs: readonly number[];
  readonly recThrs: readonly number[];
  readonly areaRng: readonly (readonly [number, number])[];
  readonly areaRngLbl: readonly string[];
}

/** The pycocotools defaults (frozen). */
export const DEFAULTS: CocoEvalDefaults = Object.freeze({
  iouType: "segm" as IouType,
  useCats: true,
  maxDets: Object.freeze([1, 10, 100]),
  iouThrs: Object.freeze(linspace(0.5, 0.95, 10)),
  recThrs: Object.freeze(linspace(0, 1, 101)),
  areaRng: Object.freeze([[0, 1e5 ** 2], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]] as const),
  areaRngLbl: Object.freeze(["all", "small", "medium", "large"]),
});

function uniqueSorted(ids: number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

function bad(field: string, message: string): never {
  throw new SamqError("invalid_argument", `Invalid option "${field}": ${message}`, { field });
}

/** Merges `options` over {@link DEFAULTS} for `gt` and validates the result (as `evaluate` prepares them). */
export function resolveParams(gt: CocoGt, options: CocoEvalOptions = {}): CocoEvalParams {
  const iouType = options.iouType ?? DEFAULTS.iouType;
  if (!(IOU_TYPES as readonly string[]).includes(iouType)) {
    bad("iouType", `must be one of ${IOU_TYPES.join(", ")}`);
  }
  const maxDets = [...(options.maxDets ?? DEFAULTS.maxDets)].sort((a, b) => a - b);
  if (maxDets.length === 0 || !maxDets.every((m) => Number.isInteger(m) && m > 0)) {
    bad("maxDets", "must be a non-empty list of positive integers");
  }
  const areaRng = (options.areaRng ?? DEFAULTS.areaRng).map((r) => [r[0], r[1]] as [number, number]);
  const areaRngLbl = [...(options.areaRngLbl ?? DEFAULTS.areaRngLbl)];
  if (areaRng.length !== areaRngLbl.length) bad("areaRngLbl", "must have one label per area range");
  const iouThrs = [...(options.iouThrs ?? DEFAULTS.iouThrs)];
  const recThrs = [...(options.recThrs ?? DEFAULTS.recThrs)];
  if (iouThrs.length === 0) bad("iouThrs", "must not be empty");
  if (recThrs.length === 0) bad("recThrs", "must not be empty");
  return {
    iouType,
    imgIds: uniqueSorted(options.imgIds ?? gt.images.map((i) => i.id)),
    catIds: uniqueSorted(options.catIds ?? gt.categories.map((c) => c.id)),
    iouThrs,
    recThrs,
    maxDets,
    areaRng,
    areaRngLbl,
    useCats: options.useCats ?? DEFAULTS.useCats,
  };
}
