/**
 * Self-consistency of the optimized evaluator (struct-of-arrays tables, index sorts, flag bytes) with the
 * kept reference path (`_reference_*.ts`, the first port: one object per result and per per-image record)
 * on seeded random cases: bbox and segm, crowds, score ties, GT id 0, duplicated GT ids, areas on range
 * bounds, maxDets cuts, restricted imgIds/catIds, useCats on and off, segm results with a `bbox` key.
 * Everything must be bit-identical: stats, precision/recall/scores arrays and every per-image record.
 */
import { deepStrictEqual, strictEqual } from "node:assert";
import { createPrng, type Prng } from "../../util/prng.ts";
import {
  accumulate,
  type CocoEvalOptions,
  encodeMaskRowMajor,
  evaluate,
  type IouType,
  loadCocoGt,
  loadResults,
  resolveParams,
  rleToString,
  summarize,
} from "./mod.ts";
import { referenceLoadResults } from "./_reference_load_results.ts";
import { referenceEvaluate } from "./_reference_evaluate.ts";
import { referenceAccumulate } from "./_reference_accumulate.ts";

type Box = [number, number, number, number];

function rectMask(h: number, w: number, b: Box) {
  const m = new Uint8Array(h * w);
  for (let y = b[1]; y < Math.min(h, b[1] + b[3]); y++) {
    for (let x = b[0]; x < Math.min(w, b[0] + b[2]); x++) m[y * w + x] = 1;
  }
  return encodeMaskRowMajor(m, h, w);
}

function randBox(prng: Prng, h: number, w: number): Box {
  const x = prng.int(w), y = prng.int(h);
  return [x, y, 1 + prng.int(w - x), 1 + prng.int(h - y)];
}

function jitter(prng: Prng, b: Box, h: number, w: number): Box {
  const x = Math.max(0, Math.min(w - 1, b[0] + prng.int(3) - 1));
  const y = Math.max(0, Math.min(h - 1, b[1] + prng.int(3) - 1));
  return [x, y, Math.max(1, b[2] + prng.int(3) - 1), Math.max(1, b[3] + prng.int(3) - 1)];
}

/** A random GT JSON and results list for `iouType` (deterministic for `seed`). */
function randomCase(seed: number, iouType: IouType) {
  const prng = createPrng(seed);
  const nImg = 1 + prng.int(5);
  const catIds = [3, 7, 11, 20].slice(0, 1 + prng.int(4));
  const images = Array.from(
    { length: nImg },
    (_, i) => ({ id: 10 + 2 * i, width: 8 + prng.int(24), height: 8 + prng.int(24) }),
  );
  const annotations: Record<string, unknown>[] = [];
  const results: Record<string, unknown>[] = [];
  const areas = [0, 20, 21, 50, 80, 81, 200];
  let id = prng.next() < 0.2 ? 0 : 1; // GT id 0 acts unmatched
  const withBboxKey = iouType === "segm" && prng.next() < 0.2; // loadRes bbox branch for segm results
  const scores = [0.1, 0.5, 0.5, 0.7, 0.9, 0.9, 0.95];
  for (const img of images) {
    const { height: h, width: w } = img;
    const boxes: { b: Box; cat: number }[] = [];
    for (let j = 0, n = prng.int(6); j < n; j++) {
      const b = randBox(prng, h, w), cat = catIds[prng.int(catIds.length)]!;
      boxes.push({ b, cat });
      const crowd = prng.next() < 0.2;
      const rle = rectMask(h, w, b);
      const segmentation = crowd
        ? { size: [h, w], counts: [...rle.counts] }
        : prng.next() < 0.5
        ? { size: [h, w], counts: rleToString(rle) }
        : [[b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]]];
      annotations.push({
        id: prng.next() < 0.05 && id > 1 ? id - 1 : id, // occasionally a duplicated id
        image_id: img.id,
        category_id: cat,
        bbox: b,
        area: prng.next() < 0.5 ? areas[prng.int(areas.length)]! : b[2] * b[3],
        iscrowd: crowd ? 1 : 0,
        segmentation,
      });
      id++;
    }
    for (let j = 0, n = prng.int(14); j < n; j++) {
      const src = boxes.length > 0 && prng.next() < 0.7 ? boxes[prng.int(boxes.length)]! : null;
      const b = src ? jitter(prng, src.b, h, w) : randBox(prng, h, w);
      const cat = src && prng.next() < 0.8 ? src.cat : catIds[prng.int(catIds.length)]!;
      const r: Record<string, unknown> = {
        image_id: img.id,
        category_id: cat,
        score: scores[prng.int(scores.length)]!,
      };
      if (iouType === "bbox") r.bbox = b;
      else {
        r.segmentation = { size: [h, w], counts: rleToString(rectMask(h, w, b)) };
        if (withBboxKey) r.bbox = b;
      }
      results.push(r);
    }
  }
  const options: CocoEvalOptions = {
    iouType,
    useCats: prng.next() < 0.6,
    areaRng: [[0, 1e10], [0, 20], [20, 80], [80, 1e10]],
  };
  if (prng.next() < 0.3) options.maxDets = [1, 2, 4];
  if (prng.next() < 0.2) {
    options.imgIds = images.filter(() => prng.next() < 0.6).map((i) => i.id).concat([999]);
  }
  if (prng.next() < 0.2) options.catIds = catIds.slice(0, 1 + prng.int(catIds.length));
  return { gt: { images, categories: catIds.map((c) => ({ id: c })), annotations }, results, options };
}

function check(seed: number, iouType: IouType) {
  const c = randomCase(seed, iouType);
  const gtA = loadCocoGt(structuredClone(c.gt)), gtB = loadCocoGt(structuredClone(c.gt));
  const p = resolveParams(gtA, c.options);
  const ev = evaluate(gtA, loadResults(gtA, c.results, iouType), p);
  const acc = accumulate(ev);
  const ref = referenceEvaluate(
    gtB,
    referenceLoadResults(gtB, c.results, iouType),
    resolveParams(gtB, c.options),
  );
  const refAcc = referenceAccumulate(ref);
  const what = `seed ${seed} ${iouType} ${JSON.stringify(c.options)}`;
  deepStrictEqual(acc.dims, refAcc.dims, what);
  deepStrictEqual(acc.precision, refAcc.precision, what);
  deepStrictEqual(acc.recall, refAcc.recall, what);
  deepStrictEqual(acc.scores, refAcc.scores, what);
  deepStrictEqual(summarize(acc, p).stats, summarize(refAcc, p).stats, what);
  deepStrictEqual(ev.evalImgs, ref.evalImgs, what);
}

Deno.test("evaluate()/accumulate() are bit-identical to the reference path on random bbox cases", () => {
  for (let seed = 1; seed <= 150; seed++) check(seed, "bbox");
});

Deno.test("evaluate()/accumulate() are bit-identical to the reference path on random segm cases", () => {
  for (let seed = 1; seed <= 150; seed++) check(seed, "segm");
});

Deno.test("accumulate() breaks score ties like the reference across many images", () => {
  // All detections share one score: the order is image order, then per-image order (numpy mergesort).
  const prng = createPrng(5);
  const images = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, width: 10, height: 10 }));
  const annotations = images.map((im, i) => ({
    id: i + 1,
    image_id: im.id,
    category_id: 1,
    bbox: [1, 1, 5, 5],
    area: 25,
    iscrowd: 0,
  }));
  const results = images.flatMap((im) =>
    Array.from(
      { length: 3 },
      () => ({ image_id: im.id, category_id: 1, bbox: randBox(prng, 10, 10), score: 0.5 }),
    )
  );
  const gt = { images, categories: [{ id: 1 }], annotations };
  const a = loadCocoGt(gt), b = loadCocoGt(gt);
  const p = resolveParams(a, { iouType: "bbox" });
  const acc = accumulate(evaluate(a, loadResults(a, results, "bbox"), p));
  const ref = referenceAccumulate(referenceEvaluate(b, referenceLoadResults(b, results, "bbox"), p));
  deepStrictEqual(acc.precision, ref.precision);
  strictEqual(summarize(acc, p).stats[0], summarize(ref, p).stats[0]);
});
