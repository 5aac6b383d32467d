import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { sharedDataDir } from "../util/paths.ts";
import { loadCocoDataset } from "./load_coco_dataset.ts";

const tinyVal = join(sharedDataDir(), "coco-tiny", "annotations", "instances_val2017.json");
const haveTiny = await Deno.stat(tinyVal).then(() => true, () => false);

Deno.test({
  name: haveTiny
    ? "loadCocoDataset() reads coco-tiny val: 50 images, 382 annotations, 5 crowd"
    : "loadCocoDataset() reads coco-tiny val (skipped: coco-tiny not found in sharedDataDir())",
  ignore: !haveTiny,
  fn: async () => {
    const ds = await loadCocoDataset(tinyVal);
    const d = ds.describe();
    assert.equal(d.images, 50);
    assert.equal(d.objects, 382);
    assert.equal(d.crowd, 5);
    assert.equal(d.categories, 80);
    assert.match(ds.hash, /^[0-9a-f]{64}$/);
    assert.ok(d.imageDir.endsWith("val2017"));
    let n = 0, maxRel = 0, empty = 0;
    for await (const s of ds.samples()) {
      for (const o of s.objects) {
        const m = o.mask();
        assert.equal(m.length, s.h * s.w);
        let area = 0;
        for (const v of m) area += v;
        if (area === 0) empty++;
        // Stored polygon areas are continuous polygon areas; the rasterised count is close. (Crowd areas in
        // COCO are not the mask area, e.g. 27008 px stored as 44673, so they are not compared.)
        const rel = Math.abs(area - o.area) / Math.max(o.area, 1);
        if (o.area > 500 && !o.iscrowd) maxRel = Math.max(maxRel, rel);
        n++;
      }
    }
    assert.equal(n, 382);
    assert.equal(empty, 0);
    assert.ok(maxRel < 0.1, `max relative area error ${maxRel}`);
    const json = ds.toCocoJson();
    assert.equal(json.annotations.length, 382);
    const limited = await loadCocoDataset(tinyVal, { limit: 3 });
    assert.equal(limited.describe().images, 3);
    assert.notEqual(limited.hash, ds.hash);
  },
});

Deno.test({
  name: haveTiny
    ? "loadCocoDataset() decodes coco-tiny images lazily at the annotated size"
    : "loadCocoDataset() decodes images (skipped: coco-tiny not found in sharedDataDir())",
  ignore: !haveTiny,
  fn: async () => {
    const ds = await loadCocoDataset(tinyVal, { limit: 1 });
    for await (const s of ds.samples()) {
      const img = await s.readImage();
      assert.equal(img.data.length, s.h * s.w * 3);
    }
  },
});

async function withDataset(
  json: unknown,
  images: string[],
  fn: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "images"));
    for (const f of images) await Deno.writeFile(join(dir, "images", f), new Uint8Array([0]));
    const path = join(dir, "ann.json");
    await Deno.writeTextFile(path, typeof json === "string" ? json : JSON.stringify(json));
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const good = () => ({
  images: [{ id: 1, file_name: "a.png", height: 4, width: 4 }],
  annotations: [
    {
      id: 7,
      image_id: 1,
      category_id: 1,
      area: 4,
      bbox: [0, 0, 2, 2],
      iscrowd: 0,
      segmentation: [[0, 0, 2, 0, 2, 2, 0, 2]],
    },
  ] as Record<string, unknown>[],
  categories: [{ id: 1, name: "thing" }],
});

function isError(code: string, field?: string, text?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SamqError, String(e));
    assert.equal(e.code, code);
    if (field !== undefined) assert.equal(e.field, field);
    if (text !== undefined) assert.ok(e.message.includes(text), e.message);
    return true;
  };
}

Deno.test("loadCocoDataset() rasterises a polygon and reads images next to the JSON", async () => {
  await withDataset(good(), ["a.png"], async (path) => {
    const ds = await loadCocoDataset(path);
    for await (const s of ds.samples()) {
      assert.deepEqual(Array.from(s.objects[0]!.mask()), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });
});

Deno.test("loadCocoDataset() throws invalid_dataset naming the annotation id when segmentation is missing", async () => {
  const j = good();
  delete j.annotations[0]!.segmentation;
  await withDataset(j, ["a.png"], async (path) => {
    await assert.rejects(
      () => loadCocoDataset(path),
      isError("invalid_dataset", "/annotations/0/segmentation", "annotation 7"),
    );
  });
});

Deno.test("loadCocoDataset() throws invalid_dataset naming the file when an image is missing", async () => {
  await withDataset(good(), [], async (path) => {
    await assert.rejects(() => loadCocoDataset(path), isError("invalid_dataset", "file_name", "a.png"));
  });
});

Deno.test("loadCocoDataset() throws not_found for a missing file and invalid_json for bad JSON", async () => {
  await assert.rejects(() => loadCocoDataset("/nonexistent/ann.json"), isError("not_found"));
  await withDataset("{not json", [], async (path) => {
    await assert.rejects(() => loadCocoDataset(path), isError("invalid_json"));
  });
});

Deno.test("loadCocoDataset() rejects malformed records with a JSON pointer", async () => {
  const j = good();
  j.annotations[0]!.segmentation = { size: [5, 5], counts: "04" };
  await withDataset(j, ["a.png"], async (path) => {
    await assert.rejects(
      () => loadCocoDataset(path),
      isError("invalid_dataset", "/annotations/0/segmentation/size"),
    );
  });
  const k = good();
  (k.images[0] as Record<string, unknown>).height = "4";
  await withDataset(k, ["a.png"], async (path) => {
    await assert.rejects(() => loadCocoDataset(path), isError("invalid_dataset", "/images/0/height"));
  });
});
