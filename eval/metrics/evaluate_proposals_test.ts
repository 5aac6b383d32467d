import assert from "node:assert/strict";
import { encodeMaskRowMajor, rleToString } from "../coco/mod.ts";
import { SamqError } from "../../util/errors.ts";
import { evaluateProposals, type Proposal } from "./evaluate_proposals.ts";

function square(h: number, w: number, x0: number, y0: number, s: number): Uint8Array {
  const m = new Uint8Array(h * w);
  for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) m[y * w + x] = 1;
  return m;
}

const H = 64, W = 64;
const gtMasks = [square(H, W, 0, 0, 20), square(H, W, 30, 30, 30)];
const gt = {
  images: [{ id: 5, file_name: "a.png", height: H, width: W }],
  annotations: gtMasks.map((m, i) => ({
    id: i + 1,
    image_id: 5,
    category_id: 7 + i, // two categories: proposals must still match both (class-agnostic)
    iscrowd: 0,
    area: m.reduce((n, v) => n + v, 0),
    bbox: [0, 0, 1, 1],
    segmentation: { size: [H, W], counts: rleToString(encodeMaskRowMajor(m, H, W)) },
  })),
  categories: [{ id: 7, name: "a" }, { id: 8, name: "b" }],
};

Deno.test("evaluateProposals() gives AR ≈ 1 for perfect class-agnostic proposals", () => {
  const proposals: Proposal[] = gtMasks.map((m, i) => ({
    imageId: 5,
    segmentation: encodeMaskRowMajor(m, H, W),
    score: 0.9 - i * 0.1,
  }));
  const r = evaluateProposals(gt, proposals, 1000);
  assert.deepEqual(r.maxDets, [1, 10, 1000]);
  assert.ok(Math.abs(r.ARmax - 1) < 1e-12, String(r.ARmax));
  assert.ok(Math.abs(r.AR1 - 0.5) < 1e-12, String(r.AR1));
  assert.equal(r.ARs, 1); // 400 px
  assert.equal(r.ARl, -1); // no large GT
  assert.equal(r.proposals, 2);
});

Deno.test("evaluateProposals() gives 0 recall without proposals and rejects a bad maxDets", () => {
  assert.equal(evaluateProposals(gt, [], 100).ARmax, 0);
  assert.throws(
    () => evaluateProposals(gt, [], 10),
    (e: unknown) => e instanceof SamqError && e.field === "maxDets",
  );
});
