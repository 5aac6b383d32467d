import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { SamqError } from "../util/errors.ts";
import { sharedDataDir } from "../util/paths.ts";
import { generateSyntheticDataset } from "./synthetic.ts";
import { loadSa1bDataset } from "./load_sa1b_dataset.ts";
import { loadFolderDataset } from "./load_folder_dataset.ts";
import { openDataset } from "./open_dataset.ts";
import { assertDisjoint } from "./assert_disjoint.ts";

function isError(code: string, field?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SamqError, String(e));
    assert.equal(e.code, code);
    if (field !== undefined) assert.equal(e.field, field);
    return true;
  };
}

async function png(path: string, data: Uint8Array, w: number, h: number, channels: 1 | 3) {
  const buf = await sharp(data, { raw: { width: w, height: h, channels } }).png().toBuffer();
  await Deno.writeFile(path, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}

async function withTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadSa1bDataset() reads per-image JSON files with compressed RLE", async () => {
  await withTemp(async (root) => {
    const syn = await generateSyntheticDataset(join(root, "syn"), { seed: 2, count: 2, size: 64 });
    const coco = JSON.parse(await Deno.readTextFile(syn.annotationPath));
    const sa = join(root, "sa");
    await Deno.mkdir(sa);
    for (const img of coco.images) {
      const stem = `sa_${img.id}`;
      await Deno.copyFile(join(syn.dir, "images", img.file_name), join(sa, `${stem}.png`));
      const anns = coco.annotations.filter((a: { image_id: number }) => a.image_id === img.id)
        .map((a: Record<string, unknown>) => ({
          id: a.id,
          segmentation: a.segmentation,
          bbox: a.bbox,
          area: a.area,
          predicted_iou: 0.9,
        }));
      await Deno.writeTextFile(
        join(sa, `${stem}.json`),
        JSON.stringify({
          image: { image_id: img.id, width: img.width, height: img.height, file_name: `${stem}.png` },
          annotations: anns,
        }),
      );
    }
    const ds = await loadSa1bDataset(sa);
    assert.equal(ds.describe().images, 2);
    assert.equal(ds.describe().objects, syn.objects);
    for await (const s of ds.samples()) {
      for (const o of s.objects) assert.equal(o.mask().reduce((n, v) => n + v, 0), o.area);
    }
    assert.equal((await loadSa1bDataset(sa, { limit: 1 })).describe().images, 1);
    // An annotation without segmentation is named.
    await Deno.writeTextFile(
      join(sa, "sa_9.json"),
      JSON.stringify({
        image: { image_id: 9, width: 4, height: 4, file_name: "sa_9.png" },
        annotations: [{ id: 42 }],
      }),
    );
    await assert.rejects(() => loadSa1bDataset(sa), (e) => {
      isError("invalid_dataset", "/annotations/0/segmentation")(e);
      assert.match((e as Error).message, /annotation 42/);
      return true;
    });
  });
});

Deno.test("loadFolderDataset() reads per-instance PNGs and instance-id PNGs", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(join(dir, "images"));
    await Deno.mkdir(join(dir, "masks", "a"), { recursive: true });
    await png(join(dir, "images", "a.png"), new Uint8Array(4 * 3 * 3), 4, 3, 3);
    await png(join(dir, "images", "b.png"), new Uint8Array(4 * 3 * 3), 4, 3, 3);
    await png(
      join(dir, "masks", "a", "10.png"),
      Uint8Array.from([255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      4,
      3,
      1,
    );
    await png(
      join(dir, "masks", "a", "2.png"),
      Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255]),
      4,
      3,
      1,
    );
    await png(join(dir, "masks", "b.png"), Uint8Array.from([0, 3, 3, 0, 0, 3, 0, 0, 1, 0, 0, 0]), 4, 3, 1);
    const ds = await loadFolderDataset(dir);
    const got: [string, number, number, number[]][] = [];
    for await (const s of ds.samples()) {
      for (const o of s.objects) got.push([s.fileName, o.annId, o.area, o.bboxXywh]);
    }
    assert.deepEqual(got, [
      ["a.png", 1, 1, [3, 2, 1, 1]], // 2.png before 10.png (numeric order)
      ["a.png", 2, 2, [0, 0, 2, 1]],
      ["b.png", 3, 1, [0, 2, 1, 1]], // id 1
      ["b.png", 4, 3, [1, 0, 2, 2]], // id 3
    ]);
    await png(join(dir, "images", "c.png"), new Uint8Array(4 * 3 * 3), 4, 3, 3);
    await assert.rejects(() => loadFolderDataset(dir), isError("invalid_dataset", "c.png"));
  });
  await assert.rejects(() => loadFolderDataset("/nonexistent/folder"), isError("not_found"));
});

Deno.test("openDataset() resolves synthetic specs and rejects unknown kinds and missing paths", async () => {
  await withTemp(async (cache) => {
    const prev = Deno.env.get("SAMQ_CACHE");
    Deno.env.set("SAMQ_CACHE", cache);
    try {
      const ds = await openDataset("synthetic:seed=5,n=2,size=48");
      assert.equal(ds.name, "synthetic:seed=5,n=2,size=48");
      assert.equal(ds.kind, "synthetic");
      assert.equal(ds.describe().images, 2);
      const again = await openDataset("synthetic:seed=5,n=2,size=48", { limit: 1 });
      assert.equal(again.describe().images, 1);
    } finally {
      if (prev === undefined) Deno.env.delete("SAMQ_CACHE");
      else Deno.env.set("SAMQ_CACHE", prev);
    }
  });
  await assert.rejects(() => openDataset("nope:/x"), isError("invalid_argument", "data"));
  await assert.rejects(() => openDataset("synthetic:seed=x"), isError("invalid_argument", "data"));
  await assert.rejects(() => openDataset("coco:/nonexistent/instances.json"), isError("not_found"));
  await assert.rejects(() => openDataset("coco-tiny:test"), isError("invalid_argument", "data"));
});

const haveTiny = await Deno.stat(join(sharedDataDir(), "coco-tiny")).then(() => true, () => false);

Deno.test({
  name: haveTiny
    ? "assertDisjoint() accepts coco-tiny train vs val and refuses val vs val"
    : "assertDisjoint() on coco-tiny (skipped: coco-tiny not found in sharedDataDir())",
  ignore: !haveTiny,
  fn: async () => {
    const train = await openDataset("coco-tiny:train", { limit: 10 });
    const val = await openDataset("coco-tiny:val", { limit: 10 });
    assert.equal(await assertDisjoint(train, val), 10);
    assert.equal(await assertDisjoint(train, val, { by: "name_size" }), 10);
    const val3 = await openDataset("coco-tiny:val", { limit: 3 });
    await assert.rejects(() => assertDisjoint(val3, val), isError("invalid_dataset", "calibration"));
  },
});
