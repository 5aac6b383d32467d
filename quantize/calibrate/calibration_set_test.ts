import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { canonicalDatasetSpec, openCalibrationSet } from "./calibration_set.ts";

const SYN = "synthetic:seed=3,n=3,size=96";

Deno.test("openCalibrationSet() refuses the evaluation spec itself without reading it (coco-tiny = coco-tiny:val)", async () => {
  await assert.rejects(
    () => openCalibrationSet("coco-tiny", { n: 4, evalData: "coco-tiny:val" }),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_dataset" && e.field === "calibration",
  );
  assert.equal(canonicalDatasetSpec("coco-tiny"), "coco-tiny:val");
});

Deno.test("openCalibrationSet() refuses a calibration set whose images overlap the evaluation set", async () => {
  // Same scenes under another spec string: caught by image content, not by name.
  await assert.rejects(
    () => openCalibrationSet(SYN, { n: 3, evalData: "synthetic:n=3,size=96,seed=3", evalDataRequired: true }),
    (e: unknown) =>
      e instanceof SamqError && e.code === "invalid_dataset" && /also in evaluation set/.test(e.message),
  );
});

Deno.test("openCalibrationSet() keeps the first n images with a point and a box prompt per object", async () => {
  const c = await openCalibrationSet(SYN, {
    n: 2,
    evalData: "synthetic:seed=4,n=2,size=96",
    evalDataRequired: true,
    promptsPerImage: 2,
  });
  assert.equal(c.images.length, 2);
  assert.deepEqual(c.disjoint, { evalData: "synthetic:seed=4,n=2,size=96", checked: true });
  for (const img of c.images) {
    assert.ok(img.prompts.length <= 4 && img.prompts.length > 0);
    assert.ok(img.prompts.filter((p) => p.box).length <= 2);
    for (const p of img.prompts) {
      for (const [x, y] of p.points ?? []) assert.ok(x >= 0 && x < img.w && y >= 0 && y < img.h);
    }
  }
  assert.match(c.hash, /^[0-9a-f]{64}$/);
});

Deno.test("openCalibrationSet() rejects a non-positive image count", async () => {
  await assert.rejects(
    () => openCalibrationSet(SYN, { n: 0, evalData: null }),
    (e: unknown) => e instanceof SamqError && e.field === "n",
  );
});
