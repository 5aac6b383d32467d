import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { openEvalStore } from "./open_eval_store.ts";
import { parseEvalRecord } from "./parse_eval_record.ts";

const PATH = "runs/x/records.jsonl";
const GOLDEN = join(REPO_ROOT, "bench", "testdata", "records.jsonl");
const lines = (await Deno.readTextFile(GOLDEN)).trim().split("\n").map((l) => JSON.parse(l));
const byMode = (mode: string) => structuredClone(lines.find((r) => r.mode === mode)!);

function rejects(raw: unknown, code: string, field: string) {
  assert.throws(
    () => parseEvalRecord(raw, { path: PATH, line: 7 }),
    (e: unknown) => e instanceof SamqError && e.code === code && e.path === PATH && e.field === field,
    field,
  );
}

Deno.test("parseEvalRecord() accepts every stored record of the golden run and keeps it as is", () => {
  for (const [i, raw] of lines.entries()) {
    const copy = structuredClone(raw);
    const r = parseEvalRecord(copy, { path: GOLDEN, line: i + 1 });
    assert.deepEqual(r, raw);
  }
  assert.deepEqual(new Set(lines.map((r) => r.mode)), new Set(["point", "box", "auto", "detbox"]));
});

Deno.test("parseEvalRecord() names the line and field of a missing or malformed part", () => {
  // deno-lint-ignore no-explicit-any
  const cases: [string, (r: Record<string, any>) => void, string][] = [
    ["point", (r) => delete r.key, "line 7/key"],
    ["point", (r) => (r.mode = "points"), "line 7/mode"],
    ["point", (r) => (r.bits = "w10a10"), "line 7/bits"],
    ["point", (r) => (r.bits = "W4A4"), "line 7/bits"],
    ["point", (r) => (r.metrics.mIoU = "0.5"), "line 7/metrics/mIoU"],
    ["box", (r) => delete r.metrics.bySize.medium, "line 7/metrics/bySize/medium"],
    ["auto", (r) => delete r.metrics.AR1000, "line 7/metrics/AR1000"],
    ["auto", (r) => (r.metrics.ar100.ARmax = null), "line 7/metrics/ar100/ARmax"],
    ["detbox", (r) => delete r.metrics.APl, "line 7/metrics/APl"],
    ["detbox", (r) => (r.metrics.stats = [1]), "line 7/metrics/stats"],
    ["detbox", (r) => (r.metrics.oracle = "yes"), "line 7/metrics/oracle"],
    ["point", (r) => delete r.model.sha256, "line 7/model/sha256"],
    ["point", (r) => (r.dataset.images = "3"), "line 7/dataset/images"],
    ["point", (r) => delete r.timing.imagesPerSec, "line 7/timing/imagesPerSec"],
    ["point", (r) => delete r.env.ep, "line 7/env/ep"],
    ["point", (r) => (r.command = 1), "line 7/command"],
  ];
  for (const [mode, edit, field] of cases) {
    const r = byMode(mode);
    edit(r);
    rejects(r, "invalid_file", field);
  }
  // A point record's metrics under mode "auto" are not auto metrics.
  const swapped = byMode("point");
  swapped.mode = "auto";
  rejects(swapped, "invalid_file", "line 7/metrics/AR100");
});

Deno.test("parseEvalRecord() refuses another schema as incompatible and a non-object line", () => {
  rejects({ ...byMode("point"), schema: "samq.eval/0" }, "incompatible", "line 7/schema");
  rejects([1, 2], "invalid_file", "line 7");
  rejects(null, "invalid_file", "line 7");
});

Deno.test("openEvalStore() checks every stored line with parseEvalRecord on open", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq-eval-store-" });
  try {
    const bad = byMode("auto");
    delete bad.metrics.masksPerImage;
    const text = [lines[0], lines[1], bad].map((r) => JSON.stringify(r)).join("\n") + "\n";
    await Deno.writeTextFile(join(dir, "records.jsonl"), text);
    await assert.rejects(
      () => openEvalStore(dir),
      (e: unknown) =>
        e instanceof SamqError && e.code === "invalid_file" && e.field === "line 3/metrics/masksPerImage" &&
        e.path === join(dir, "records.jsonl"),
    );
    await Deno.writeTextFile(join(dir, "records.jsonl"), text.split("\n").slice(0, 2).join("\n") + "\n");
    assert.deepEqual((await openEvalStore(dir)).records().map((r) => r.key), [lines[0].key, lines[1].key]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
