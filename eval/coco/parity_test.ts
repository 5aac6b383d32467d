/**
 * Input that pycocotools accepts is accepted here with the same meaning (or refused for the same reason),
 * each expectation worked out by hand from coco.py / cocoeval.py semantics.
 */
import { deepStrictEqual, match, strictEqual, throws } from "node:assert";
import { SamqError } from "../../util/errors.ts";
import {
  encodeMaskRowMajor,
  evaluate,
  evaluateCoco,
  loadCocoGt,
  loadResults,
  numpyMean,
  pairwiseSum,
  resolveParams,
  rleToString,
} from "./mod.ts";

/** Precision of a TP-only prefix: 1 / (1 + np.spacing(1)). */
const P = 0.9999999999999998;

function gtJson(ann: Record<string, unknown> = {}, extra: Record<string, unknown>[] = []) {
  return {
    images: [{ id: 1, width: 40, height: 30 }],
    categories: [{ id: 1, name: "a" }],
    annotations: [
      {
        id: 1,
        image_id: 1,
        category_id: 1,
        bbox: [3, 2, 5, 3],
        area: 15,
        iscrowd: 0,
        segmentation: [[3, 2, 8, 2, 8, 5, 3, 5]],
        ...ann,
      },
      ...extra,
    ],
  };
}
const PERFECT = { image_id: 1, category_id: 1, bbox: [3, 2, 5, 3], score: 0.9 };

function isErr(code: string, field: string, message?: RegExp) {
  return (e: unknown) => {
    if (!(e instanceof SamqError)) return false;
    strictEqual(e.code, code);
    strictEqual(e.field, field);
    if (message) match(e.message, message);
    return true;
  };
}

Deno.test("results of categories the GT lacks are loaded, counted and never evaluated (useCats on or off)", () => {
  const res = [
    // Would be a false positive ahead of the TP if it were evaluated class-agnostic: AP 1/(2 + eps) = 0.5.
    { image_id: 1, category_id: 99, bbox: [20, 20, 5, 3], score: 0.95 },
    PERFECT,
    { image_id: 1, category_id: 98, bbox: [3, 2, 5, 3], score: 0.1 },
  ];
  const gt = loadCocoGt(gtJson());
  for (const iouType of ["bbox", "segm"] as const) {
    const dt = loadResults(gt, res, iouType);
    strictEqual(dt.n, 3);
    strictEqual(dt.unknownCategoryCount, 2);
    deepStrictEqual(dt.unknownCategoryIds, [98, 99]);
    for (const useCats of [true, false]) {
      const r = evaluateCoco(gt, res, { iouType, useCats });
      strictEqual(r.stats[0], P, `${iouType} useCats=${useCats}`);
      strictEqual(r.ignoredResults, 2);
      // loadRes numbers every result (id = position + 1) before COCOeval filters by category.
      const p = resolveParams(gt, { iouType, useCats });
      const e = evaluate(gt, dt, p).evalImg(0, 0, 0)!;
      deepStrictEqual([...e.dtIds], [2]);
      deepStrictEqual([...e.gtIds], [1]);
    }
  }
  // Only unknown categories: nothing is evaluated against the GT, which is then simply missed.
  deepStrictEqual(
    evaluateCoco(gt, [{ ...PERFECT, category_id: 5 }], { iouType: "bbox" }).stats,
    [0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1],
  );
});

Deno.test("results on an image the GT lacks are refused as pycocotools' loadRes assertion does, with totals", () => {
  const gt = loadCocoGt(gtJson());
  const res = [PERFECT, { ...PERFECT, image_id: 7 }, { ...PERFECT, image_id: 8 }, {
    ...PERFECT,
    image_id: 7,
  }];
  throws(
    () => loadResults(gt, res, "bbox", { path: "r.json" }),
    isErr(
      "not_found",
      "/1/image_id",
      /"r\.json".*image 7, which is not in the ground truth \(3 results on 2 image/,
    ),
  );
  throws(() => loadResults(gt, [{ ...PERFECT, image_id: 7 }], "bbox"), isErr("not_found", "/0/image_id"));
});

Deno.test("a segm result without bbox (or with bbox []) gets its mask's box, as maskUtils.toBbox in loadRes", () => {
  const h = 30, w = 40;
  const mask = new Uint8Array(h * w);
  for (let y = 2; y < 5; y++) for (let x = 3; x < 8; x++) mask[y * w + x] = 1;
  const segmentation = { size: [h, w], counts: rleToString(encodeMaskRowMajor(mask, h, w)) };
  const gt = loadCocoGt(gtJson());
  const res = [
    { image_id: 1, category_id: 1, score: 0.9, segmentation },
    { image_id: 1, category_id: 1, score: 0.8, segmentation, bbox: [] },
    { image_id: 1, category_id: 1, score: 0.7, segmentation, bbox: [0, 0, 1, 1] },
  ];
  for (const iouType of ["bbox", "segm"] as const) {
    const dt = loadResults(gt, res, iouType);
    deepStrictEqual([...dt.bbox], [3, 2, 5, 3, 3, 2, 5, 3, 0, 0, 1, 1]);
    deepStrictEqual([...dt.area], [15, 15, 15]); // segm branch: mask area, even with a given box
  }
  // The computed box is what bbox evaluation uses: the first result is a perfect match.
  strictEqual(evaluateCoco(gt, res.slice(0, 1), { iouType: "bbox" }).stats[0], P);
  strictEqual(evaluateCoco(gt, res.slice(0, 1), { iouType: "segm" }).stats[0], P);
});

Deno.test("a GT without iscrowd is not crowd; booleans read as 0/1; other values are refused", () => {
  for (const iouType of ["bbox", "segm"] as const) {
    const { iscrowd: _, ...noCrowd } = gtJson().annotations[0]!;
    const gtNo = { ...gtJson(), annotations: [noCrowd] };
    strictEqual(loadCocoGt(gtNo).annotations[0]!.iscrowd, 0);
    strictEqual(evaluateCoco(gtNo, [PERFECT], { iouType }).stats[0], P);
    strictEqual(evaluateCoco(gtJson({ iscrowd: false }), [PERFECT], { iouType }).stats[0], P);
    // A crowd GT is ignored and so is the detection it absorbs: no GT left, every stat −1.
    deepStrictEqual(
      evaluateCoco(gtJson({ iscrowd: true }), [PERFECT], { iouType }).stats,
      new Array(12).fill(-1),
    );
  }
  throws(() => loadCocoGt(gtJson({ iscrowd: 0.5 })), isErr("invalid_file", "/annotations/0/iscrowd"));
  throws(() => loadCocoGt(gtJson({ iscrowd: "1" })), isErr("invalid_file", "/annotations/0/iscrowd"));
});

Deno.test("a GT without area loads; evaluating it names the record (pycocotools: KeyError in evaluateImg)", () => {
  const g = gtJson({ area: undefined });
  delete (g.annotations[0] as Record<string, unknown>).area;
  const gt = loadCocoGt(g, { path: "gt.json" });
  strictEqual(gt.annotations[0]!.area, undefined);
  for (const iouType of ["bbox", "segm"] as const) {
    throws(
      () => evaluateCoco(gt, [PERFECT], { iouType }),
      isErr("invalid_file", "/annotations/0/area", /gt\.json.*missing field "area"/),
    );
  }
  // An area-less annotation of a category the GT does not list is never read, as in pycocotools.
  const other = { id: 2, image_id: 1, category_id: 5, bbox: [0, 0, 1, 1], iscrowd: 0 };
  strictEqual(evaluateCoco(gtJson({}, [other]), [PERFECT], { iouType: "bbox" }).stats[0], P);
  throws(() => loadCocoGt(gtJson({ area: "15" })), isErr("invalid_file", "/annotations/0/area"));
});

Deno.test("numpyMean() sums in numpy's (< 2.3) 8192-element reduction chunks, pairwise inside each", () => {
  // Chunks [0, 8192), [8192, 16384), [16384]: 2^53, then + 1 twice, each a tie rounded to even 2^53.
  // One pairwise sum over everything adds 1 + 1 first and keeps 2^53 + 2.
  const x = new Float64Array(16385);
  x[0] = 2 ** 53;
  x[8192] = 1;
  x[16384] = 1;
  strictEqual(pairwiseSum(x), 2 ** 53 + 2);
  strictEqual(numpyMean(x), 2 ** 53 / 16385);
  strictEqual(numpyMean(x.subarray(0, 8192)), 2 ** 53 / 8192);
});
