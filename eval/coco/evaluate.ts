/**
 * Phase 1 of COCOeval: `_prepare` + `computeIoU` + `evaluateImg` for every (category, area range, image)
 * (cocoeval.py:84-190, spec §B4.2-B4.5).
 *
 * - GTs and detections are taken per image in `imgIds` order, then file order; with `useCats` they are
 *   grouped per (image, category), without it concatenated over `catIds` in order (so detections of
 *   categories outside `catIds` are dropped). See `_group_index.ts` for the exact orders.
 * - Detections are stable-sorted by descending score (ties keep file order) and cut to the largest maxDet;
 *   IoU is box IoU on `bbox` fields or mask IoU on RLEs, with the GTs' crowd flags.
 *
 * Output layout (memory linear in the input, not in images × categories): pycocotools keeps one dict per
 * (category, area range, image); here the per-detection outcome is one byte,
 * `dtFlags[(a·T + t)·nDet + p]` for kept detection p (group order, see `groups`): bit 0 = matched to a GT
 * with id ≠ 0 (`dtMatches ≠ 0`), bit 1 = ignored (`dtIgnore`); `numGt[k·A + a]` counts the non-ignored GTs.
 * That is all `accumulate` reads. pycocotools' per-image records (`EvalImg`, flat [K][A][I] with
 * **category outermost, area range in the middle, image innermost**, `null` where an (image, category) has
 * neither GT nor detection) are rebuilt on demand by `evalImg(k, a, i)` or, all at once, `evalImgs`.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { CocoAnnotation, CocoGt } from "./coco_gt.ts";
import { missingForIou } from "./coco_gt.ts";
import type { CocoResults } from "./load_results.ts";
import type { CocoEvalParams } from "./params.ts";
import { annToRle } from "../../mask/ann_to_rle.ts";
import type { Rle } from "../../mask/rle.ts";
import { runsToBbox } from "../../mask/rle_store.ts";
import { buildGroups, type GroupIndex } from "./_group_index.ts";
import { boxIouInto, type CountsScratch, refineMaskIou } from "./_group_iou.ts";
import {
  ensureMatchScratch,
  type EvalImg,
  matchGroup,
  type MatchScratch,
  toEvalImg,
} from "./evaluate_img.ts";

/** Output of {@link evaluate}. */
export interface CocoEvaluation {
  params: CocoEvalParams;
  /** The non-empty (image, category) groups and their kept detections. */
  groups: GroupIndex;
  /** A×T×nDet outcome flags (see the module doc). */
  dtFlags: Uint8Array;
  /** [K][A]: number of non-ignored GTs (`npig`). */
  numGt: Float64Array;
  /** pycocotools' record of (category index k, area index a, image rank i), rebuilt on demand. */
  evalImg(k: number, a: number, i: number): EvalImg | null;
  /** The flat [K][A][I] list of every record (built on first access: as large as pycocotools'). */
  readonly evalImgs: (EvalImg | null)[];
}

/** GT data of one group, gathered into reusable buffers. */
interface GtScratch {
  area: Float64Array;
  crowd: Uint8Array;
  id: Float64Array;
  box: Float64Array;
  rle: Rle[];
}

function gtScratch(s: GtScratch | null, G: number): GtScratch {
  if (s !== null && s.area.length >= G) return s;
  const g = Math.max(G, 2 * (s?.area.length ?? 8));
  return {
    area: new Float64Array(g),
    crowd: new Uint8Array(g),
    id: new Float64Array(g),
    box: new Float64Array(4 * g),
    rle: [],
  };
}

function rleOf(ds: CocoGt, a: CocoAnnotation): Rle {
  if (a.rle !== undefined) return a.rle;
  if (a.segmentation === undefined) missingForIou(ds, "ground truth", a, "segmentation");
  const img = ds.imgs.get(a.image_id)!;
  try {
    a.rle = annToRle(a.segmentation, img.height, img.width);
  } catch (e) {
    if (!(e instanceof SamqError)) throw e;
    const ptr = `/annotations/${a.index}/segmentation`;
    throw new SamqError("invalid_file", `Cannot evaluate ground truth: record ${ptr}: ${e.message}`, {
      field: ptr,
      cause: e,
      ...(ds.path === undefined ? {} : { path: ds.path }),
    });
  }
  return a.rle;
}

/** Evaluation state shared by the main loop and the on-demand records. */
interface Ctx {
  gt: CocoGt;
  dt: CocoResults;
  p: CocoEvalParams;
  grp: GroupIndex;
  segm: boolean;
  gs: GtScratch | null;
  iou: Float64Array;
  counts: CountsScratch;
}

/** Gathers group q's GTs (validating what the IoU type needs) and computes its IoU into `c.iou`. */
function prepareGroup(c: Ctx, q: number): GtScratch {
  const { grp, dt } = c;
  const D = grp.detCount[q]!, G = grp.gtCount[q]!, g0 = grp.gtStart[q]!, d0 = grp.detStart[q]!;
  const s = c.gs = gtScratch(c.gs, G);
  for (let g = 0; g < G; g++) {
    const a = grp.gt[g0 + g]!;
    s.area[g] = a.area ?? missingForIou(c.gt, "ground truth", a, "area");
    s.crowd[g] = a.iscrowd ? 1 : 0;
    s.id[g] = a.id;
    if (c.segm) {
      const r = s.rle[g] = rleOf(c.gt, a);
      runsToBbox(r.counts, 0, r.counts.length, r.size[0], r.size[1], s.box, 4 * g);
    } else {
      s.box.set(a.bbox ?? missingForIou(c.gt, "ground truth", a, "bbox"), 4 * g);
    }
  }
  if (D === 0 || G === 0) return s;
  if (c.iou.length < D * G) c.iou = new Float64Array(Math.max(D * G, 2 * c.iou.length));
  if (c.segm) {
    const masks = dt.masks!;
    boxIouInto(c.iou, masks.box, grp.det, d0, D, s.box, G, s.crowd);
    refineMaskIou(c.iou, masks, grp.det, d0, D, s.rle, G, s.crowd, c.counts);
  } else {
    boxIouInto(c.iou, dt.bbox, grp.det, d0, D, s.box, G, s.crowd);
  }
  return s;
}

/**
 * Runs per-image evaluation of `dt` (from `loadResults`) against `gt` with resolved `params`.
 * @throws {SamqError} `invalid_file` naming a GT record that lacks what the IoU type needs;
 *   `invalid_argument` when segm evaluation gets results loaded for bbox
 */
export function evaluate(gt: CocoGt, dt: CocoResults, params: CocoEvalParams): CocoEvaluation {
  const p = params;
  const segm = p.iouType === "segm";
  if (segm && dt.masks === null) {
    throw new SamqError("invalid_argument", 'Cannot evaluate segm: the results were loaded for "bbox"', {
      field: "iouType",
    });
  }
  const T = p.iouThrs.length, A = p.areaRng.length;
  const K = p.useCats ? p.catIds.length : 1;
  const thr = Float64Array.from(p.iouThrs);
  const aLo = Float64Array.from(p.areaRng, (r) => r[0]), aHi = Float64Array.from(p.areaRng, (r) => r[1]);
  const grp = buildGroups(gt, dt, p);
  const nDet = grp.nDet;
  const dtFlags = new Uint8Array(A * T * nDet);
  const numGt = new Float64Array(K * A);
  const c: Ctx = {
    gt,
    dt,
    p,
    grp,
    segm,
    gs: null,
    iou: new Float64Array(1024),
    counts: { buf: new Uint32Array(1024) },
  };
  let ms: MatchScratch | null = null;
  for (let q = 0; q < grp.nGroups; q++) {
    const s = prepareGroup(c, q);
    const D = grp.detCount[q]!, G = grp.gtCount[q]!, d0 = grp.detStart[q]!, k = grp.k[q]!;
    ms = ensureMatchScratch(ms, T, D, G);
    for (let a = 0; a < A; a++) {
      const lo = aLo[a]!, hi = aHi[a]!;
      numGt[k * A + a]! += matchGroup(c.iou, D, G, s.area, s.crowd, lo, hi, thr, ms);
      for (let d = 0; d < D; d++) {
        const area = dt.area[grp.det[d0 + d]!]!;
        const out = area < lo || area > hi;
        for (let t = 0; t < T; t++) {
          const m = ms.matchJ[t * D + d]!;
          // dtMatches stores the GT id, so a match to a GT with id 0 reads as unmatched.
          const tp = m >= 0 && s.id[ms.order[m]!] !== 0;
          const ignored = (m >= 0 && ms.ignore[m] === 1) || (!tp && out);
          dtFlags[(a * T + t) * nDet + d0 + d] = (tp ? 1 : 0) | (ignored ? 2 : 0);
        }
      }
    }
  }
  return makeEvaluation(c, dtFlags, numGt);
}

function makeEvaluation(c: Ctx, dtFlags: Uint8Array, numGt: Float64Array): CocoEvaluation {
  const { p, grp, dt } = c;
  const T = p.iouThrs.length, A = p.areaRng.length, I = p.imgIds.length;
  const K = p.useCats ? p.catIds.length : 1;
  const thr = Float64Array.from(p.iouThrs);
  const maxDet = p.maxDets[p.maxDets.length - 1]!;
  let byKey: Map<number, number> | null = null;
  const evalImg = (k: number, a: number, i: number): EvalImg | null => {
    if (byKey === null) {
      byKey = new Map();
      for (let q = 0; q < grp.nGroups; q++) byKey.set(grp.k[q]! * I + grp.i[q]!, q);
    }
    const q = byKey.get(k * I + i);
    if (q === undefined || a < 0 || a >= A) return null;
    const s = prepareGroup(c, q);
    const D = grp.detCount[q]!, G = grp.gtCount[q]!, d0 = grp.detStart[q]!;
    const ms = ensureMatchScratch(null, T, D, G);
    const [lo, hi] = p.areaRng[a]!;
    matchGroup(c.iou, D, G, s.area, s.crowd, lo, hi, thr, ms);
    const det = grp.det.subarray(d0, d0 + D);
    return toEvalImg(
      {
        imageId: p.imgIds[i]!,
        categoryId: p.useCats ? p.catIds[k]! : -1,
        dtIds: Float64Array.from(det, (j) => j + 1),
        dtScores: grp.detScore.slice(d0, d0 + D),
        dtArea: Float64Array.from(det, (j) => dt.area[j]!),
        gtId: s.id.slice(0, G),
      },
      G,
      p.areaRng[a]!,
      maxDet,
      T,
      ms,
    );
  };
  let all: (EvalImg | null)[] | null = null;
  const evalImgs = (): (EvalImg | null)[] => {
    if (all === null) {
      all = new Array<EvalImg | null>(K * A * I).fill(null);
      for (let q = 0; q < grp.nGroups; q++) {
        const k = grp.k[q]!, i = grp.i[q]!;
        for (let a = 0; a < A; a++) all[k * A * I + a * I + i] = evalImg(k, a, i);
      }
    }
    return all;
  };
  const ev = { params: p, groups: grp, dtFlags, numGt, evalImg } as Omit<CocoEvaluation, "evalImgs">;
  // Non-enumerable: serialising or cloning an evaluation must not build every record by accident.
  return Object.defineProperty(ev, "evalImgs", { get: evalImgs, enumerable: false }) as CocoEvaluation;
}
