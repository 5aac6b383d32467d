/**
 * Class-agnostic proposal recall (AR@K) for the automatic mode (spec §A4.2, DESIGN §3), through our
 * pycocotools port: iouType "segm", `useCats` = 0, `maxDets` = [1, 10, K] (three entries, so that
 * stats[8] is AR@K), area buckets as in COCO.
 *
 * Gotcha handled here (spec §A4.2, verified): with useCats = 0 pycocotools still looks results up per
 * category id, so every proposal is given the **first GT category id** (file order); proposals with an
 * id outside the GT would be silently dropped. Proposals carry no `bbox`, so their area comes from the
 * mask (spec §B2.3). Crowd GTs are ignored as in COCOeval.
 *
 * @module
 */
import { type CocoGt, evaluateCoco, loadCocoGt, type Rle, rleToString } from "../coco/mod.ts";
import { SamqError } from "../../util/errors.ts";

/** One class-agnostic proposal. */
export interface Proposal {
  /** GT image id. */
  imageId: number;
  /** The mask: an RLE (size [h, w]) or a compressed COCO RLE object. */
  segmentation: Rle | { size: [number, number]; counts: string };
  /** Ranking score (e.g. predicted IoU or stability). */
  score: number;
}

/** AR numbers of one evaluation. */
export interface ProposalRecall {
  /** The maxDets used, [1, 10, K]. */
  maxDets: [number, number, number];
  /** AR with 1 proposal per image. */
  AR1: number;
  /** AR with 10. */
  AR10: number;
  /** AR@K (pycocotools stats[8]). */
  ARmax: number;
  /** AR@K for small / medium / large GTs (stats[9..11]). */
  ARs: number;
  ARm: number;
  ARl: number;
  /** Number of proposals given. */
  proposals: number;
}

/**
 * Evaluates proposals against a GT.
 *
 * @param gt Parsed COCO GT JSON (e.g. `dataset.toCocoJson()`) or an indexed {@link CocoGt}.
 * @param proposals The proposals of all images.
 * @param maxDets K, the proposal budget per image (100 or 1000).
 * @returns AR@1, AR@10, AR@K and AR@K per size.
 * @throws {SamqError} `invalid_argument` when K < 10 or the GT has no category.
 *
 * @example Usage
 * ```ts ignore
 * const ar = evaluateProposals(ds.toCocoJson(), proposals, 1000);
 * ar.ARmax; // AR@1000
 * ```
 */
export function evaluateProposals(
  gt: CocoGt | unknown,
  proposals: readonly Proposal[],
  maxDets: number,
): ProposalRecall {
  if (!Number.isInteger(maxDets) || maxDets <= 10) {
    throw new SamqError(
      "invalid_argument",
      `Cannot evaluate proposals: maxDets must be an integer > 10, got ${maxDets}`,
      {
        field: "maxDets",
      },
    );
  }
  const g = loadCocoGtOnce(gt);
  const cat = g.categories[0];
  if (cat === undefined) {
    throw new SamqError("invalid_argument", "Cannot evaluate proposals: the GT has no category", {
      field: "categories",
    });
  }
  const results = proposals.map((p) => ({
    image_id: p.imageId,
    category_id: cat.id,
    segmentation: typeof p.segmentation.counts === "string"
      ? p.segmentation
      : { size: p.segmentation.size, counts: rleToString(p.segmentation as Rle) },
    score: p.score,
  }));
  const md: [number, number, number] = [1, 10, maxDets];
  const { stats } = evaluateCoco(g, results, { iouType: "segm", useCats: false, maxDets: [...md] });
  return {
    maxDets: md,
    AR1: stats[6]!,
    AR10: stats[7]!,
    ARmax: stats[8]!,
    ARs: stats[9]!,
    ARm: stats[10]!,
    ARl: stats[11]!,
    proposals: proposals.length,
  };
}

function loadCocoGtOnce(gt: CocoGt | unknown): CocoGt {
  const v = gt as { imgs?: unknown };
  return v !== null && typeof v === "object" && v.imgs instanceof Map ? gt as CocoGt : loadCocoGt(gt);
}
