import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { generateSyntheticDataset } from "./synthetic.ts";
import { loadCocoDataset } from "./load_coco_dataset.ts";

async function readAll(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const sub of ["images", "annotations"]) {
    for await (const e of Deno.readDir(join(dir, sub))) {
      out.set(`${sub}/${e.name}`, await Deno.readFile(join(dir, sub, e.name)));
    }
  }
  return out;
}

Deno.test("generateSyntheticDataset() writes byte-identical files for the same seed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const a = await generateSyntheticDataset(join(root, "a"), { seed: 3, count: 3, size: 96 });
    await generateSyntheticDataset(join(root, "b"), { seed: 3, count: 3, size: 96 });
    await generateSyntheticDataset(join(root, "c"), { seed: 4, count: 3, size: 96 });
    const fa = await readAll(join(root, "a")),
      fb = await readAll(join(root, "b")),
      fc = await readAll(join(root, "c"));
    assert.deepEqual([...fa.keys()].sort(), [...fb.keys()].sort());
    for (const [k, v] of fa) assert.deepEqual(v, fb.get(k), k);
    assert.notDeepEqual(
      fa.get("annotations/instances_synthetic.json"),
      fc.get("annotations/instances_synthetic.json"),
    );
    assert.ok(a.objects >= 3, `only ${a.objects} objects`);
    // Loadable, with masks matching the stored area and images of the annotated size.
    const ds = await loadCocoDataset(a.annotationPath, { kind: "synthetic" });
    assert.equal(ds.describe().images, 3);
    assert.equal(ds.describe().objects, a.objects);
    for await (const s of ds.samples()) {
      assert.deepEqual([s.h, s.w], [72, 96]);
      const img = await s.readImage();
      assert.equal(img.data.length, 72 * 96 * 3);
      for (const o of s.objects) assert.equal(o.mask().reduce((n, v) => n + v, 0), o.area);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("generateSyntheticDataset() throws invalid_argument naming the field for bad options", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (
      const [opts, field] of [[{ seed: 1, count: 0, size: 64 }, "count"], [
        { seed: 1, count: 1, size: 8 },
        "size",
      ]] as const
    ) {
      await assert.rejects(() => generateSyntheticDataset(join(root, "x"), opts), (e: unknown) => {
        assert.ok(e instanceof SamqError);
        assert.equal(e.code, "invalid_argument");
        assert.equal(e.field, field);
        return true;
      });
    }
    await assert.rejects(() => generateSyntheticDataset(root, { seed: 1, count: 1, size: 64 }), SamqError);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("generateSyntheticDataset() called twice at once for one folder gives one complete folder", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "same");
    // Parallel tests in one process used to share one temp name and remove each other's files.
    const [a, b] = await Promise.all([
      generateSyntheticDataset(dir, { seed: 5, count: 3, size: 96 }),
      generateSyntheticDataset(dir, { seed: 5, count: 3, size: 96 }),
    ]);
    assert.equal(a.objects, b.objects);
    const files = await readAll(dir);
    assert.equal([...files.keys()].filter((k) => k.startsWith("images/")).length, 3);
    const left = [...Deno.readDirSync(root)].map((e) => e.name);
    assert.deepEqual(left, ["same"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
