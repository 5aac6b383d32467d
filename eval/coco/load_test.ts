import { strictEqual, throws } from "node:assert";
import { SamqError } from "../../util/errors.ts";
import { readJsonFile } from "../../util/fs.ts";
import { evaluateCoco, loadCocoGt, loadResults } from "./mod.ts";

const gtJson = () => ({
  images: [{ id: 1, width: 20, height: 10 }],
  categories: [{ id: 1, name: "a" }],
  annotations: [{
    id: 1,
    image_id: 1,
    category_id: 1,
    area: 4,
    bbox: [0, 0, 2, 2],
    iscrowd: 0,
    segmentation: [[0, 0, 2, 0, 2, 2, 0, 2]],
  }],
});

function isErr(code: string, field: string) {
  return (e: unknown) => {
    if (!(e instanceof SamqError)) return false;
    strictEqual(e.code, code);
    strictEqual(e.field, field);
    return true;
  };
}

Deno.test("loadCocoGt() names the record of a missing field", () => {
  const g = gtJson();
  delete (g.annotations[0] as Record<string, unknown>).id;
  throws(() => loadCocoGt(g, { path: "gt.json" }), isErr("invalid_file", "/annotations/0/id"));
  throws(() => loadCocoGt({ images: [{ id: 1 }], categories: [] }), isErr("invalid_file", "/images/0/width"));
  throws(() => loadCocoGt({ annotations: [] }), isErr("invalid_file", "/images"));
  throws(() => loadCocoGt([]), isErr("invalid_file", "/"));
  const b = gtJson();
  (b.annotations[0] as Record<string, unknown>).bbox = [0, 0, 2];
  throws(() => loadCocoGt(b), isErr("invalid_file", "/annotations/0/bbox"));
});

Deno.test("loadCocoGt() rejects an RLE whose size differs from the image", () => {
  const g = gtJson();
  (g.annotations[0] as Record<string, unknown>).segmentation = { size: [20, 10], counts: [200] };
  throws(() => loadCocoGt(g), isErr("invalid_file", "/annotations/0/segmentation/size"));
});

Deno.test("loadResults() rejects unknown image ids (pycocotools asserts) but not unknown categories", () => {
  const gt = loadCocoGt(gtJson());
  throws(
    () => loadResults(gt, [{ image_id: 9, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }], "bbox"),
    isErr("not_found", "/0/image_id"),
  );
  const dt = loadResults(gt, [
    { image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 },
    { image_id: 1, category_id: 7, bbox: [0, 0, 1, 1], score: 1 },
  ], "bbox");
  strictEqual(dt.n, 2);
  strictEqual(dt.unknownCategoryCount, 1);
});

Deno.test("loadResults() rejects missing fields and wrong mask sizes", () => {
  const gt = loadCocoGt(gtJson());
  throws(
    () => loadResults(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1] }], "bbox"),
    isErr("invalid_file", "/0/score"),
  );
  throws(
    () =>
      loadResults(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }, {
        image_id: 1,
        category_id: 1,
        score: 1,
      }]),
    isErr("invalid_file", "/1/bbox"),
  );
  throws(
    () =>
      loadResults(gt, [{
        image_id: 1,
        category_id: 1,
        score: 1,
        segmentation: { size: [10, 10], counts: "0" },
      }]),
    isErr("invalid_file", "/0/segmentation/size"),
  );
  throws(
    () =>
      loadResults(gt, [{
        image_id: 1,
        category_id: 1,
        score: 1,
        segmentation: { size: [10, 20], counts: "~~" },
      }]),
    isErr("invalid_file", "/0/segmentation"),
  );
  throws(() => loadResults(gt, { not: "a list" }), isErr("invalid_file", "/"));
  throws(() => loadResults(gt, [{ image_id: 1, category_id: 1, score: 1 }]), isErr("invalid_file", "/0"));
});

Deno.test("evaluateCoco() names a GT record that lacks what the IoU type needs", () => {
  const g = gtJson();
  delete (g.annotations[0] as Record<string, unknown>).segmentation;
  const res = [{
    image_id: 1,
    category_id: 1,
    bbox: [0, 0, 2, 2],
    score: 1,
    segmentation: { size: [10, 20], counts: "0" },
  }];
  throws(
    () => evaluateCoco(g, res, { iouType: "segm" }),
    isErr("invalid_file", "/annotations/0/segmentation"),
  );
  throws(
    () => evaluateCoco(gtJson(), res, { iouType: "bbox", maxDets: [0] }),
    isErr("invalid_argument", "maxDets"),
  );
});

Deno.test("readJsonFile() reports malformed JSON as invalid_json", async () => {
  const f = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(f, "{ not json");
    let err: unknown;
    await readJsonFile(f).catch((e) => (err = e));
    strictEqual(err instanceof SamqError && err.code, "invalid_json");
  } finally {
    await Deno.remove(f);
  }
});
