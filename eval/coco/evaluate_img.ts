/**
 * Greedy matching of one (image, category, area range) — `evaluateImg` (cocoeval.py:235-313, spec §B4.5).
 *
 * Rules, in pycocotools' order:
 * - a GT is ignored when it is crowd or its stored area is outside the range (bounds inclusive);
 * - GTs are stable-sorted non-ignored first; detections arrive sorted by descending score (stable);
 * - per IoU threshold t and detection d: start from best = min(t, 1 − 1e-10); skip GTs already matched
 *   unless crowd (a crowd region absorbs many detections); stop at the first ignored GT once a regular GT
 *   matched; take every GT with IoU ≥ best (so an **equal** IoU later in the order wins);
 * - "matched" is tested as id ≠ 0 downstream, so a GT with **id 0** acts unmatched (its TP becomes an FP);
 * - unmatched detections outside the area range are ignored.
 *
 * {@link matchGroup} is the allocation-free kernel: it writes positions into caller-owned scratch
 * buffers, which `evaluate` turns into one flag byte per (area, threshold, detection) and
 * {@link toEvalImg} into pycocotools' full per-image record (for inspection).
 *
 * @module
 */

/** Per-image evaluation record (pycocotools' dict). T×D and T×G arrays are row-major (index t·D + d). */
export interface EvalImg {
  imageId: number;
  /** −1 when `useCats` is off. */
  categoryId: number;
  aRng: [number, number];
  maxDet: number;
  /** D detection ids in score order. */
  dtIds: Float64Array;
  /** G GT ids, non-ignored first. */
  gtIds: Float64Array;
  /** T×D: id of the matched GT, 0 if none. */
  dtMatches: Float64Array;
  /** T×G: id of the matched detection, 0 if none. */
  gtMatches: Float64Array;
  /** D scores in descending order. */
  dtScores: Float64Array;
  /** G flags (1 = ignored), in `gtIds` order. */
  gtIgnore: Uint8Array;
  /** T×D flags (1 = ignored). */
  dtIgnore: Uint8Array;
}

/** Scratch buffers of {@link matchGroup}; grow with {@link ensureMatchScratch}. */
export interface MatchScratch {
  /** G: GT index (in the group) at each ignore-sorted position j. */
  order: Int32Array;
  /** G: 1 if the GT at position j is ignored. */
  ignore: Uint8Array;
  /** G: 1 if the GT at position j is crowd. */
  crowd: Uint8Array;
  /** T×D: position j of the GT matched by detection d at threshold t, −1 if none. */
  matchJ: Int32Array;
  /** T×G: the last detection d that matched position j at threshold t, −1 if none. */
  gtBy: Int32Array;
}

/** Returns `s` (or a new scratch) large enough for G GTs and D detections at T thresholds. */
export function ensureMatchScratch(s: MatchScratch | null, T: number, D: number, G: number): MatchScratch {
  if (s !== null && s.order.length >= G && s.matchJ.length >= T * D && s.gtBy.length >= T * G) return s;
  const g = Math.max(G, s?.order.length ?? 0, 16), d = Math.max(D, (s?.matchJ.length ?? 0) / T, 128);
  return {
    order: new Int32Array(g),
    ignore: new Uint8Array(g),
    crowd: new Uint8Array(g),
    matchJ: new Int32Array(T * d),
    gtBy: new Int32Array(T * g),
  };
}

/**
 * Matches D detections (score order) to G GTs for the area range [lo, hi].
 * @param iou D×G row-major (d·G + g), columns in the group's GT order
 * @param gtArea G stored GT areas; gtCrowd G crowd flags (0/1)
 * @param thr T IoU thresholds
 * @returns the number of non-ignored GTs (they come first in `s.order`)
 */
export function matchGroup(
  iou: Float64Array,
  D: number,
  G: number,
  gtArea: Float64Array,
  gtCrowd: Uint8Array,
  lo: number,
  hi: number,
  thr: Float64Array,
  s: MatchScratch,
): number {
  const { order, ignore, crowd, matchJ, gtBy } = s;
  const T = thr.length;
  let nReg = 0;
  for (let g = 0; g < G; g++) if (!(gtCrowd[g] || gtArea[g]! < lo || gtArea[g]! > hi)) order[nReg++] = g;
  for (let g = 0, j = nReg; g < G; g++) if (gtCrowd[g] || gtArea[g]! < lo || gtArea[g]! > hi) order[j++] = g;
  for (let j = 0; j < G; j++) {
    ignore[j] = j >= nReg ? 1 : 0;
    crowd[j] = gtCrowd[order[j]!]!;
  }
  matchJ.fill(-1, 0, T * D);
  gtBy.fill(-1, 0, T * G);
  if (D === 0 || G === 0) return nReg;
  for (let t = 0; t < T; t++) {
    const start = Math.min(thr[t]!, 1 - 1e-10);
    const gb = t * G;
    for (let d = 0; d < D; d++) {
      let best = start;
      let m = -1;
      const row = d * G;
      for (let j = 0; j < G; j++) {
        if (gtBy[gb + j]! >= 0 && crowd[j] === 0) continue;
        if (m > -1 && ignore[m] === 0 && ignore[j] === 1) break;
        const v = iou[row + order[j]!]!;
        if (v < best) continue;
        best = v;
        m = j;
      }
      if (m === -1) continue;
      matchJ[t * D + d] = m;
      gtBy[gb + m] = d;
    }
  }
  return nReg;
}

/** The group data {@link toEvalImg} needs besides the kernel's output. */
export interface EvalImgGroup {
  imageId: number;
  categoryId: number;
  /** D detection ids and scores in score order. */
  dtIds: Float64Array;
  dtScores: Float64Array;
  /** D loadRes areas of the detections. */
  dtArea: Float64Array;
  /** G GT ids in the group's GT order. */
  gtId: Float64Array;
}

/** Builds pycocotools' per-image record from {@link matchGroup}'s output (`null` when D = G = 0). */
export function toEvalImg(
  grp: EvalImgGroup,
  G: number,
  aRng: [number, number],
  maxDet: number,
  T: number,
  s: MatchScratch,
): EvalImg | null {
  const D = grp.dtIds.length;
  if (D === 0 && G === 0) return null;
  const [lo, hi] = aRng;
  const gtIds = new Float64Array(G), gtIgnore = new Uint8Array(G);
  for (let j = 0; j < G; j++) {
    gtIds[j] = grp.gtId[s.order[j]!]!;
    gtIgnore[j] = s.ignore[j]!;
  }
  const dtMatches = new Float64Array(T * D), dtIgnore = new Uint8Array(T * D);
  const gtMatches = new Float64Array(T * G);
  for (let t = 0; t < T; t++) {
    for (let d = 0; d < D; d++) {
      const m = s.matchJ[t * D + d]!;
      if (m >= 0) {
        dtMatches[t * D + d] = gtIds[m]!;
        dtIgnore[t * D + d] = gtIgnore[m]!;
      }
      const area = grp.dtArea[d]!;
      if (dtMatches[t * D + d] === 0 && (area < lo || area > hi)) dtIgnore[t * D + d] = 1;
    }
    for (let j = 0; j < G; j++) {
      const d = s.gtBy[t * G + j]!;
      if (d >= 0) gtMatches[t * G + j] = grp.dtIds[d]!;
    }
  }
  return {
    imageId: grp.imageId,
    categoryId: grp.categoryId,
    aRng,
    maxDet,
    dtIds: grp.dtIds,
    gtIds,
    dtMatches,
    gtMatches,
    dtScores: grp.dtScores,
    gtIgnore,
    dtIgnore,
  };
}
