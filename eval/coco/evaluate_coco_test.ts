import { deepStrictEqual, ok, strictEqual } from "node:assert";
import {
  accumulate,
  encodeMaskRowMajor,
  evaluate,
  evaluateCoco,
  linspace,
  loadCocoGt,
  loadResults,
  numpyMean,
  resolveParams,
  rleToString,
} from "./mod.ts";

const P = 1 / (1 + 2.220446049250313e-16); // precision of a TP-only prefix: 0.9999999999999998
const T = 10, R = 101;

type Box = [number, number, number, number];
function gtJson(
  anns: { id?: number; img?: number; cat?: number; bbox: Box; crowd?: boolean; area?: number }[],
  imgs = [1],
  cats = [1],
) {
  return {
    images: imgs.map((id) => ({ id, width: 200, height: 200 })),
    categories: cats.map((id) => ({ id, name: `c${id}` })),
    annotations: anns.map((a, i) => {
      const [x, y, w, h] = a.bbox;
      return {
        id: a.id ?? i + 1,
        image_id: a.img ?? 1,
        category_id: a.cat ?? 1,
        bbox: a.bbox,
        area: a.area ?? w * h,
        iscrowd: a.crowd ? 1 : 0,
        segmentation: [[x, y, x + w, y, x + w, y + h, x, y + h]],
      };
    }),
  };
}
const det = (bbox: Box, score: number, img = 1, cat = 1) => ({
  image_id: img,
  category_id: cat,
  bbox,
  score,
});

/** Mean over the T×R precision grid where thresholds t < tMatched have value v up to recall index rMax. */
function gridMean(tMatched: number, rMax: number, v: number, tAll = T): number {
  const a: number[] = [];
  for (let t = 0; t < tAll; t++) for (let r = 0; r < R; r++) a.push(t < tMatched && r <= rMax ? v : 0);
  return numpyMean(a);
}

Deno.test("linspace() gives numpy's threshold values", () => {
  const iou = linspace(0.5, 0.95, 10);
  strictEqual(iou[8], 0.8999999999999999);
  strictEqual(iou[9], 0.95);
  strictEqual(iou[5], 0.75);
  strictEqual(linspace(0, 1, 101)[35], 0.35000000000000003);
});

Deno.test("evaluateCoco() gives 0.9999999999999998 for a perfect detection (eps in precision)", () => {
  const r = evaluateCoco(gtJson([{ bbox: [10, 10, 20, 20] }]), [det([10, 10, 20, 20], 0.9)], {
    iouType: "bbox",
  });
  strictEqual(r.stats[0], 0.9999999999999998);
  strictEqual(r.summary.APs, 0.9999999999999998);
  strictEqual(r.summary.APm, -1);
  strictEqual(r.summary.APl, -1);
  strictEqual(r.summary.AR1, 1);
  deepStrictEqual(r.perCategory, { "1": 0.9999999999999998 });
});

Deno.test("evaluateCoco() treats a GT with id 0 as unmatched (AP 0)", () => {
  const r = evaluateCoco(gtJson([{ id: 0, bbox: [10, 10, 20, 20] }]), [det([10, 10, 20, 20], 0.9)], {
    iouType: "bbox",
  });
  strictEqual(r.stats[0], 0);
  strictEqual(r.summary.AR100, 0);
});

Deno.test("evaluateCoco() puts an area of exactly 32² in both small and medium", () => {
  const r = evaluateCoco(gtJson([{ bbox: [0, 0, 32, 32] }]), [det([0, 0, 32, 32], 0.9)], { iouType: "bbox" });
  strictEqual(r.summary.APs, 0.9999999999999998);
  strictEqual(r.summary.APm, 0.9999999999999998);
  strictEqual(r.summary.APl, -1);
});

Deno.test("evaluateCoco() gives stats[0] = -1 when maxDets lacks 100", () => {
  const r = evaluateCoco(gtJson([{ bbox: [0, 0, 32, 32] }]), [det([0, 0, 32, 32], 0.9)], {
    iouType: "bbox",
    maxDets: [1, 10, 300],
  });
  strictEqual(r.stats[0], -1);
  // A mean of 101 equal values of 0.9999999999999998 (pairwise sum / 101) rounds to ...99.
  strictEqual(r.stats[1], numpyMean(new Array(R).fill(P)));
  strictEqual(r.stats[1], 0.9999999999999999);
  strictEqual(r.rows[8]!.maxDets, 300);
});

Deno.test("evaluate() matches the later GT on equal IoU", () => {
  const gt = loadCocoGt(gtJson([{ bbox: [0, 0, 10, 10] }, { bbox: [10, 0, 10, 10] }]));
  const p = resolveParams(gt, { iouType: "bbox", iouThrs: [0.3] });
  const e = evaluate(gt, loadResults(gt, [det([5, 0, 10, 10], 0.9)], "bbox"), p);
  deepStrictEqual([...e.evalImgs[0]!.dtMatches], [2]); // IoU 1/3 with both; id 2 comes later
});

Deno.test("evaluate() lets a crowd GT absorb several detections, which are then ignored", () => {
  const gt = loadCocoGt(gtJson([{ bbox: [0, 0, 50, 50], crowd: true }, { bbox: [60, 60, 20, 20] }]));
  const dts = [det([0, 0, 10, 10], 0.9), det([20, 20, 10, 10], 0.8), det([60, 60, 20, 20], 0.7)];
  const p = resolveParams(gt, { iouType: "bbox" });
  const e = evaluate(gt, loadResults(gt, dts, "bbox"), p);
  const ev = e.evalImgs[0]!; // k = 0, area "all", image 0
  deepStrictEqual([...ev.dtMatches.subarray(0, 3)], [1, 1, 2]);
  deepStrictEqual([...ev.dtIgnore.subarray(0, 3)], [1, 1, 0]);
  deepStrictEqual([...ev.gtIds], [2, 1]); // non-ignored first
  const r = evaluateCoco(gt, dts, { iouType: "bbox" });
  strictEqual(r.stats[0], 0.9999999999999998);
});

Deno.test("evaluateCoco() gives 0.4999999999999999 with a GT-only and a GT-less category", () => {
  const gt = gtJson([{ bbox: [0, 0, 40, 40], cat: 1 }, { bbox: [100, 100, 40, 40], cat: 2 }], [1], [1, 2, 3]);
  const r = evaluateCoco(gt, [det([0, 0, 40, 40], 0.9, 1, 1)], { iouType: "bbox" });
  strictEqual(r.stats[0], 0.4999999999999999);
  deepStrictEqual(r.perCategory, { "1": 0.9999999999999998, "2": 0, "3": -1 });
  const { precision, dims } = r.accumulation;
  const at = (k: number) => (((0 * dims.R + 0) * dims.K + k) * dims.A + 0) * dims.M + 2;
  strictEqual(precision[at(1)], 0);
  strictEqual(precision[at(2)], -1);
});

Deno.test("evaluateCoco() breaks score ties by image order", () => {
  // Image 1: a TP at 0.5; image 2: an FP at 0.5 (its GT is missed). TP first → precision 1 up to recall 0.5.
  const gt = gtJson([{ bbox: [0, 0, 10, 10], img: 1 }, { bbox: [0, 0, 10, 10], img: 2 }], [1, 2]);
  const a = evaluateCoco(gt, [det([0, 0, 10, 10], 0.5, 1), det([50, 50, 10, 10], 0.5, 2)], {
    iouType: "bbox",
  });
  strictEqual(a.stats[0], gridMean(T, 50, P));
  ok(Math.abs(a.stats[0]! - 51 / 101) < 1e-12);
  // Same detections, swapped images: the FP now comes first → envelope precision 0.5.
  const b = evaluateCoco(gt, [det([50, 50, 10, 10], 0.5, 1), det([0, 0, 10, 10], 0.5, 2)], {
    iouType: "bbox",
  });
  strictEqual(b.stats[0], gridMean(T, 50, 0.5 / (1 + 2.220446049250313e-16 / 2)));
  ok(Math.abs(b.stats[0]! - 0.5 * 51 / 101) < 1e-12);
});

Deno.test("evaluateCoco() counts detections on images without GT as false positives", () => {
  const gt = gtJson([{ bbox: [0, 0, 10, 10], img: 1 }], [1, 2]);
  const r = evaluateCoco(gt, [det([0, 0, 10, 10], 0.9, 1), det([0, 0, 10, 10], 0.95, 2)], {
    iouType: "bbox",
  });
  strictEqual(r.stats[0], 0.5); // FP then TP: precision 1/(2 + eps) = 0.5 at every recall threshold
  strictEqual(r.summary.AR1, 1); // maxDets count per image: the TP is image 1's best
});

Deno.test("evaluateCoco() keeps only the 100 best detections per image", () => {
  const dts = [det([0, 0, 10, 10], 0.001)];
  for (let i = 0; i < 100; i++) dts.push(det([100, 100, 10, 10], 0.5 + i / 1000));
  const gt = gtJson([{ bbox: [0, 0, 10, 10] }]);
  const r = evaluateCoco(gt, dts, { iouType: "bbox" });
  strictEqual(r.stats[0], 0);
  strictEqual(r.summary.AR100, 0);
  const big = evaluateCoco(gt, dts, { iouType: "bbox", maxDets: [1, 10, 1000] });
  strictEqual(big.stats[0], -1);
  strictEqual(big.summary.AR100, 1); // maxDets[2] = 1000 reaches the TP
  strictEqual(big.rows[8]!.maxDets, 1000);
  // Precision at recall 1 is 1/101 (100 FPs ranked first).
  strictEqual(big.stats[1], numpyMean(new Array(R).fill(1 / (101 + 2.220446049250313e-16))));
});

Deno.test("evaluateCoco() matches at an IoU exactly on a threshold (0.5 and 0.9)", () => {
  const gt = gtJson([{ bbox: [0, 0, 10, 10] }]);
  const half = evaluateCoco(gt, [det([0, 0, 10, 5], 0.9)], { iouType: "bbox" }); // IoU 0.5
  strictEqual(half.stats[1], 0.9999999999999999); // mean of 101 × 0.9999999999999998
  strictEqual(half.stats[2], 0);
  strictEqual(half.stats[0], gridMean(1, 100, P));
  // IoU 0.9 passes iouThrs[8] = 0.8999999999999999: 9 thresholds of 10 match.
  const r = evaluateCoco(gt, [det([0, 0, 10, 9], 0.9)], { iouType: "bbox" });
  strictEqual(r.stats[0], gridMean(9, 100, P));
  strictEqual(r.summary.AR100, numpyMean([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]));
});

function maskRle(h: number, w: number, x0: number, y0: number, x1: number, y1: number) {
  const m = new Uint8Array(h * w);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
  return { size: [h, w], counts: rleToString(encodeMaskRowMajor(m, h, w)) };
}

Deno.test("evaluateCoco() segm: an empty mask is a false positive of area 0", () => {
  const gt = gtJson([{ bbox: [10, 10, 10, 10] }]); // polygon square → pixels 10..19
  const tp = { image_id: 1, category_id: 1, segmentation: maskRle(200, 200, 10, 10, 20, 20), score: 0.9 };
  const empty = { image_id: 1, category_id: 1, segmentation: maskRle(200, 200, 0, 0, 0, 0), score: 0.95 };
  const r = evaluateCoco(gt, [tp, empty]);
  strictEqual(r.stats[0], 0.5); // FP (empty, higher score) then TP
  strictEqual(r.summary.APs, 0.5); // area 0 is inside "small"
  const only = evaluateCoco(gt, [tp]);
  strictEqual(only.stats[0], 0.9999999999999998);
});

Deno.test("evaluateCoco() segm results with a bbox key take box areas (loadRes bbox branch)", () => {
  const gt = gtJson([{ bbox: [10, 10, 10, 10] }]);
  const tp = { image_id: 1, category_id: 1, segmentation: maskRle(200, 200, 10, 10, 20, 20), score: 0.9 };
  const fp = {
    image_id: 1,
    category_id: 1,
    segmentation: maskRle(200, 200, 100, 100, 104, 104),
    score: 0.95,
  };
  const plain = evaluateCoco(gt, [tp, fp]);
  strictEqual(plain.summary.APs, 0.5); // the FP (area 16) counts in "small"
  const withBox = evaluateCoco(gt, [{ ...tp, bbox: [10, 10, 10, 10] }, { ...fp, bbox: [0, 0, 200, 200] }]);
  strictEqual(withBox.stats[0], 0.5); // "all" is unaffected
  strictEqual(withBox.summary.APs, 0.9999999999999998); // FP area = 40000 → ignored in "small"
});

Deno.test("evaluateCoco() with empty results gives 0 for categories with GT", () => {
  const r = evaluateCoco(gtJson([{ bbox: [0, 0, 10, 10] }], [1], [1, 2]), [], { iouType: "bbox" });
  strictEqual(r.stats[0], 0);
  strictEqual(r.summary.AR100, 0);
  strictEqual(r.summary.APl, -1);
  deepStrictEqual(r.perCategory, { "1": 0, "2": -1 });
});

Deno.test("evaluateCoco() with useCats off matches across categories and drops unknown ones", () => {
  const gt = gtJson([{ bbox: [0, 0, 10, 10], cat: 1 }], [1], [1, 2]);
  const dts = [det([0, 0, 10, 10], 0.9, 1, 2)];
  strictEqual(evaluateCoco(gt, dts, { iouType: "bbox" }).stats[0], 0);
  const ag = evaluateCoco(gt, dts, { iouType: "bbox", useCats: false });
  strictEqual(ag.stats[0], 0.9999999999999998);
  deepStrictEqual(ag.perCategory, {});
  strictEqual(ag.accumulation.dims.K, 1);
  // catIds restricts which detections take part, even class-agnostic.
  strictEqual(evaluateCoco(gt, dts, { iouType: "bbox", useCats: false, catIds: [1] }).stats[0], 0);
});

Deno.test("evaluateCoco() does not mutate the caller's results", () => {
  const dts = [det([0, 0, 10, 10], 0.9)];
  const copy = structuredClone(dts);
  evaluateCoco(gtJson([{ bbox: [0, 0, 10, 10] }]), dts, { iouType: "segm" });
  deepStrictEqual(dts, copy);
});

Deno.test("accumulate() returns [T,R,K,A,M] precision", () => {
  const gt = loadCocoGt(gtJson([{ bbox: [0, 0, 10, 10] }]));
  const p = resolveParams(gt, { iouType: "bbox" });
  const acc = accumulate(evaluate(gt, loadResults(gt, [det([0, 0, 10, 10], 0.9)], "bbox"), p));
  deepStrictEqual(acc.dims, { T: 10, R: 101, K: 1, A: 4, M: 3 });
  strictEqual(acc.precision.length, 10 * 101 * 4 * 3);
  strictEqual(acc.recall.length, 10 * 4 * 3);
});
