/**
 * `_prepare` of COCOeval (cocoeval.py:84-119, spec §B4.2-B4.4) as index sorts: the non-empty
 * (image, category) groups, each with its detections (score order, cut to the largest maxDet) and its GTs
 * (file order), laid out back to back in typed arrays.
 *
 * Orders, exactly those of the reference path (`_reference_evaluate.ts`):
 * - groups: image rank (position in `imgIds`) ascending, then category rank (position in `catIds`);
 *   class-agnostic (`useCats` off) there is one group per image;
 * - GTs in a group: file order (`imgToAnns`; a duplicated annotation id resolves to its last record, as
 *   pycocotools' `loadAnns`), class-agnostic concatenated over `catIds` in order;
 * - detections in a group: score descending, ties by file order (class-agnostic: by category rank, then
 *   file order, i.e. the concatenation order), then cut to `maxDets[-1]`.
 * Only images of `imgIds` that exist in the GT and categories of `catIds` take part.
 *
 * Built with one stable merge sort of all detections by score and stable counting sorts by category and
 * image rank (buckets K and I separately, never I×K).
 *
 * @module
 */
import type { CocoAnnotation, CocoGt } from "./coco_gt.ts";
import type { CocoResults } from "./load_results.ts";
import type { CocoEvalParams } from "./params.ts";
import { countingSortIndex, sortIndexByScoreDesc } from "./_sort.ts";

/** The groups of one evaluation; per-group arrays have length `nGroups`. */
export interface GroupIndex {
  nGroups: number;
  /** Category index k (0 when `useCats` is off). */
  k: Int32Array;
  /** Image rank i (position in `params.imgIds`). */
  i: Int32Array;
  /** The group's detections are `det[detStart .. detStart + detCount)`. */
  detStart: Uint32Array;
  detCount: Uint32Array;
  /** The group's GTs are `gt[gtStart .. gtStart + gtCount)`. */
  gtStart: Uint32Array;
  gtCount: Uint32Array;
  /** Kept detections (result indices) in group order; `nDet` of them. */
  det: Uint32Array;
  nDet: number;
  /** Score of each kept detection (same positions as `det`). */
  detScore: Float64Array;
  /** GT records in group order. */
  gt: CocoAnnotation[];
}

/** Sorts and groups the GTs and detections taking part in an evaluation. */
export function buildGroups(gtDs: CocoGt, dt: CocoResults, p: CocoEvalParams): GroupIndex {
  const I = p.imgIds.length, C = p.catIds.length;
  const imgRank = new Map<number, number>();
  for (let r = 0; r < I; r++) if (gtDs.imgs.has(p.imgIds[r]!)) imgRank.set(p.imgIds[r]!, r);
  const catRank = new Map<number, number>();
  for (let r = 0; r < C; r++) catRank.set(p.catIds[r]!, r);

  // Detections: filter, then sort to (image, [category,] score desc, [category,] file order).
  const n = dt.n;
  const dImg = new Int32Array(n), dCat = new Int32Array(n);
  let idx = new Uint32Array(n), tmp = new Uint32Array(n);
  let m = 0;
  for (let j = 0; j < n; j++) {
    const r = imgRank.get(dt.imageId[j]!);
    if (r === undefined) continue;
    const c = catRank.get(dt.categoryId[j]!);
    if (c === undefined) continue;
    dImg[j] = r;
    dCat[j] = c;
    idx[m++] = j;
  }
  const count = new Uint32Array(Math.max(I, C) + 1);
  const swap = () => {
    const s = idx;
    idx = tmp;
    tmp = s;
  };
  if (!p.useCats) {
    countingSortIndex(idx, m, dCat, C, tmp, count);
    swap();
  }
  sortIndexByScoreDesc(idx, m, dt.score, tmp);
  if (p.useCats) {
    countingSortIndex(idx, m, dCat, C, tmp, count);
    swap();
  }
  countingSortIndex(idx, m, dImg, I, tmp, count);
  swap();

  // GTs: (image, file order) filtered by category, then stably by category rank and image rank.
  const gtList: CocoAnnotation[] = [];
  const gImgL: number[] = [], gCatL: number[] = [];
  for (let r = 0; r < I; r++) {
    if (!imgRank.has(p.imgIds[r]!)) continue;
    for (const a of gtDs.imgToAnns.get(p.imgIds[r]!) ?? []) {
      const rec = gtDs.anns.get(a.id) ?? a;
      const c = catRank.get(rec.category_id);
      if (c === undefined) continue;
      gtList.push(rec);
      gImgL.push(r);
      gCatL.push(c);
    }
  }
  const nG = gtList.length;
  const gImg = Int32Array.from(gImgL), gCat = Int32Array.from(gCatL);
  const gIdx = new Uint32Array(nG).map((_, j) => j), gTmp = new Uint32Array(nG);
  countingSortIndex(gIdx, nG, gCat, C, gTmp, count);
  countingSortIndex(gTmp, nG, gImg, I, gIdx, count);

  return mergeGroups(p, idx, m, dImg, dCat, dt.score, gIdx, gImg, gCat, gtList);
}

/** Walks the sorted detection and GT lists together and cuts detections to maxDets[-1] per group. */
function mergeGroups(
  p: CocoEvalParams,
  dIdx: Uint32Array,
  nD: number,
  dImg: Int32Array,
  dCat: Int32Array,
  score: Float64Array,
  gIdx: Uint32Array,
  gImg: Int32Array,
  gCat: Int32Array,
  gtList: CocoAnnotation[],
): GroupIndex {
  const maxDet = p.maxDets[p.maxDets.length - 1]!;
  const nG = gIdx.length;
  const cap = nD + nG;
  const g: GroupIndex = {
    nGroups: 0,
    k: new Int32Array(cap),
    i: new Int32Array(cap),
    detStart: new Uint32Array(cap),
    detCount: new Uint32Array(cap),
    gtStart: new Uint32Array(cap),
    gtCount: new Uint32Array(cap),
    det: new Uint32Array(nD),
    nDet: 0,
    detScore: new Float64Array(nD),
    gt: new Array<CocoAnnotation>(nG),
  };
  const cats = p.useCats;
  let a = 0, b = 0, nGt = 0;
  while (a < nD || b < nG) {
    // Next group key (image rank, category rank or 0): the smaller of the two list heads.
    let ki = 0x7fffffff, kc = 0x7fffffff;
    if (a < nD) {
      ki = dImg[dIdx[a]!]!;
      kc = cats ? dCat[dIdx[a]!]! : 0;
    }
    if (b < nG) {
      const gi = gImg[gIdx[b]!]!, gc = cats ? gCat[gIdx[b]!]! : 0;
      if (gi < ki || (gi === ki && gc < kc)) {
        ki = gi;
        kc = gc;
      }
    }
    const q = g.nGroups++;
    g.k[q] = kc;
    g.i[q] = ki;
    g.detStart[q] = g.nDet;
    let d = 0;
    for (; a < nD; a++) {
      const j = dIdx[a]!;
      if (dImg[j] !== ki || (cats && dCat[j] !== kc)) break;
      if (d++ < maxDet) {
        g.det[g.nDet] = j;
        g.detScore[g.nDet++] = score[j]!;
      }
    }
    g.detCount[q] = g.nDet - g.detStart[q]!;
    g.gtStart[q] = nGt;
    for (; b < nG; b++) {
      const j = gIdx[b]!;
      if (gImg[j] !== ki || (cats && gCat[j] !== kc)) break;
      g.gt[nGt++] = gtList[j]!;
    }
    g.gtCount[q] = nGt - g.gtStart[q]!;
  }
  return g;
}
