import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { loadDetections } from "./load_detections.ts";
import { gtBoxXyxy } from "./gt_box_xyxy.ts";
import { resolvePromptProtocolOptions } from "./prompt_protocol_options.ts";

async function withFile(content: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "dets.json");
    await Deno.writeTextFile(path, content);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function assertSamqError(e: unknown, code: string, field?: string): true {
  assert.ok(e instanceof SamqError, String(e));
  assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.field, field);
  return true;
}

const dets = [
  { image_id: 1, category_id: 3, bbox: [0, 0, 10, 10], score: 0.5 },
  { image_id: 1, category_id: 3, bbox: [1, 0, 10, 10], score: 0.9 },
  { image_id: 1, category_id: 4, bbox: [2, 0, 10, 10], score: 0.5 },
  { image_id: 2, category_id: 3, bbox: [3, 0, 10, 10], score: 0.1 },
];

Deno.test("loadDetections() sorts by score with stable ties, thresholds and cuts to top-k", async () => {
  await withFile(JSON.stringify(dets), async (path) => {
    const all = await loadDetections(path, [1, 2, 3]);
    assert.deepEqual(all.get(1)!.map((d) => d.index), [1, 0, 2]);
    assert.deepEqual(all.get(3), []);
    const cut = await loadDetections(path, [1, 2, 3], { scoreThreshold: 0.5, topK: 2 });
    assert.deepEqual(cut.get(1)!.map((d) => d.index), [1, 0]);
    assert.deepEqual(cut.get(2), []);
  });
});

Deno.test("loadDetections() throws invalid_file naming the record when a detection's image is unknown", async () => {
  await withFile(JSON.stringify(dets), async (path) => {
    await assert.rejects(
      () => loadDetections(path, [1]),
      (e) => assertSamqError(e, "invalid_file", "/3/image_id"),
    );
  });
});

Deno.test("loadDetections() throws invalid_json for malformed files and records, not_found for a missing file", async () => {
  await withFile("[{", async (path) => {
    await assert.rejects(() => loadDetections(path, [1]), (e) => assertSamqError(e, "invalid_json"));
  });
  await withFile(JSON.stringify([{ image_id: 1, category_id: 1, score: 1 }]), async (path) => {
    await assert.rejects(
      () => loadDetections(path, [1]),
      (e) => assertSamqError(e, "invalid_json", "/0/bbox"),
    );
  });
  await assert.rejects(
    () => loadDetections("/nonexistent/dets.json", [1]),
    (e) => assertSamqError(e, "not_found"),
  );
});

Deno.test("gtBoxXyxy() converts XYWH to XYXY", () => {
  assert.deepEqual(gtBoxXyxy([10, 20, 30, 40]), [10, 20, 40, 60]);
});

Deno.test("resolvePromptProtocolOptions() fills defaults and rejects bad options naming the field", () => {
  assert.deepEqual(resolvePromptProtocolOptions(), {
    pointRule: "center",
    skipCrowd: true,
    minArea: 1,
    detections: null,
    detScoreThreshold: 0,
    detTopK: null,
  });
  assert.throws(
    () => resolvePromptProtocolOptions({ detTopK: 0 }),
    (e) => assertSamqError(e, "invalid_argument", "detTopK"),
  );
  assert.throws(
    () => resolvePromptProtocolOptions({ nope: 1 } as never),
    (e) => assertSamqError(e, "invalid_argument", "nope"),
  );
});
