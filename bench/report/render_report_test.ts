import assert from "node:assert/strict";
import { join } from "node:path";
import { GOLDEN_DIR, goldenRecords, renderGolden } from "../testdata/golden.ts";
import { openEvalStore } from "../../eval/open_eval_store.ts";
import { boldBest, formatPercent, formatSeconds, markdownTable } from "./_markdown.ts";
import { variantRows } from "./_layout.ts";
import { renderReport } from "./render_report.ts";
import { scheduleOf } from "./tables.ts";
import { parseReportRecords, toReportRecord } from "./report_record.ts";
import { writeReport } from "./write_report.ts";
import { isSamqError } from "../_test_helpers.ts";

Deno.test("renderReport() renders the fixed store exactly as the golden report.md", async () => {
  const golden = await Deno.readTextFile(join(GOLDEN_DIR, "report.md.golden"));
  const { markdown } = await renderGolden();
  // On a mismatch after an intended change: deno run -A bench/testdata/make_golden.ts, review the diff.
  assert.equal(markdown, golden);
});

Deno.test("renderReport() is byte-identical when rendered twice and independent of record order", async () => {
  const records = await goldenRecords();
  const a = await renderGolden(records);
  const b = await renderGolden([...records].reverse());
  assert.equal(a.markdown, b.markdown);
  assert.deepEqual(a.charts, b.charts);
});

Deno.test("renderReport() changes the table cell when one metric in one record changes", async () => {
  const records = await goldenRecords();
  const i = records.findIndex((r) => r.method === "minmax" && r.bits === "w4a4" && r.mode === "box");
  const before = await renderGolden(records);
  const changed = records.map((r, j) => (j === i ? { ...r, prompt: { ...r.prompt!, mIoU: 0.9912 } } : r));
  const after = await renderGolden(changed);
  const row = (md: string) => md.split("\n").find((l) => l.startsWith("| minmax |"))!;
  const cells = (md: string) => row(md).split(" | ");
  // Columns: method, W6A6 point IoU/Dice, W6A6 box IoU/Dice, W4A4 point IoU/Dice, W4A4 box IoU (index 7).
  assert.equal(cells(after.markdown)[7], "**99.12**", "the new value is the best W4A4 box IoU");
  assert.notEqual(cells(before.markdown)[7], cells(after.markdown)[7]);
  assert.deepEqual(cells(after.markdown).slice(0, 7), cells(before.markdown).slice(0, 7));
  assert.notEqual(before.charts[1]!.svg, after.charts[1]!.svg, "the box chart moves too");
});

Deno.test("variantRows() puts float first, measured methods in config order and planned ones last", async () => {
  const records = await goldenRecords();
  const manifest = JSON.parse(await Deno.readTextFile(join(GOLDEN_DIR, "bench.json")));
  const rows = variantRows(records, manifest);
  assert.deepEqual(rows.map((r) => `${r.label}:${r.kind}`), [
    "float:float",
    "minmax:measured",
    "pq-sam-s (λ=6, α=0.2):measured",
    "pq-sam-s (λ=6, α=0.3):measured",
    "pq-sam-s (λ=10, α=0.2):measured",
    "pq-sam-s (λ=10, α=0.3):measured",
    "qdrop:planned",
  ]);
  // Without bench.json: no planned rows; axes and variants ordered by option name and value.
  assert.deepEqual(variantRows(records, {}).map((r) => r.label), [
    "float",
    "minmax",
    "pq-sam-s (α=0.2, λ=6)",
    "pq-sam-s (α=0.2, λ=10)",
    "pq-sam-s (α=0.3, λ=6)",
    "pq-sam-s (α=0.3, λ=10)",
  ]);
});

Deno.test("renderReport() labels detbox tables with oracle or detector boxes", async () => {
  const records = await goldenRecords();
  const det = records.map((r) => (r.detbox ? { ...r, detbox: { ...r.detbox, oracle: false } } : r));
  const md = renderReport({ title: "t", records: det, manifest: {}, qualitative: {} }).markdown;
  assert.match(md, /COCO mask mAP on synthetic:seed=61,n=3,size=48 \(detector boxes, %\)/);
  assert.doesNotMatch(md, /oracle boxes/);
  const golden = await Deno.readTextFile(join(GOLDEN_DIR, "report.md.golden"));
  assert.match(golden, /\(oracle boxes, %\)/);
});

Deno.test("renderReport() keeps planned rows only in tables that have measured columns", async () => {
  const records = (await goldenRecords()).filter((r) => r.mode === "point");
  const manifest = JSON.parse(await Deno.readTextFile(join(GOLDEN_DIR, "bench.json")));
  const md = renderReport({ title: "t", records, manifest, qualitative: {} }).markdown;
  assert.match(md, /\| qdrop \| not available \|/);
  assert.doesNotMatch(md, /automatic masks|COCO mask mAP/);
});

Deno.test("boldBest() bolds the highest value among contesting rows only, ties included", () => {
  const cells = [["90.00", "1.0"], ["80.00", "2.0"], ["80.00", "–"], ["70.00", "2.0"]];
  assert.deepEqual(boldBest(cells, [false, true, true, true], [true, true]), [
    ["90.00", "1.0"],
    ["**80.00**", "**2.0**"],
    ["**80.00**", "–"],
    ["70.00", "**2.0**"],
  ]);
  assert.deepEqual(boldBest(cells, [false, true, true, true], [true, false])[1], ["**80.00**", "2.0"]);
  // One contestant: nothing to compare, no bold.
  assert.deepEqual(boldBest([["90.00"], ["50.00"]], [false, true]), [["90.00"], ["50.00"]]);
});

Deno.test("formatPercent() and formatSeconds() use fixed formats", () => {
  assert.equal(formatPercent(0.7081, 2), "70.81");
  assert.equal(formatPercent(-1, 1), "–");
  assert.equal(formatPercent(null, 1), "–");
  assert.equal(formatSeconds(12.34), "12.3 s");
  assert.equal(formatSeconds(360), "6.0 min");
  assert.equal(formatSeconds(7200), "2.00 h");
  assert.equal(markdownTable(["a", "b|c"], [["x", "1"]]), "| a | b\\|c |\n| --- | ---: |\n| x | 1 |");
});

Deno.test("toReportRecord() names the file, line and field of a malformed record", async () => {
  const line = (await Deno.readTextFile(join(GOLDEN_DIR, "records.jsonl"))).split("\n")[0]!;
  const r = JSON.parse(line);
  // A point record with no scored object is a valid record but has no mIoU to report.
  r.metrics.mIoU = null;
  assert.throws(
    () => toReportRecord(r, { path: "x.jsonl", line: 7 }),
    isSamqError("invalid_file", "line 7/metrics/mIoU"),
  );
  delete r.metrics.mIoU;
  assert.throws(
    () => parseReportRecords(`\n${JSON.stringify(r)}\n`, "x.jsonl"),
    isSamqError("invalid_file", "line 2/metrics/mIoU"),
  );
  assert.throws(
    () => parseReportRecords("{}\nnot json\n", "y.jsonl"),
    isSamqError("incompatible", "line 1/schema"),
  );
  assert.throws(() => parseReportRecords("not json\n", "y.jsonl"), isSamqError("invalid_file", "line 1"));
});

Deno.test("writeReport() writes report.md and chart PNGs from a run folder, twice identically", async () => {
  const dir = await Deno.makeTempDir({ prefix: "samq-report-" });
  try {
    await Deno.copyFile(join(GOLDEN_DIR, "records.jsonl"), join(dir, "records.jsonl"));
    await Deno.copyFile(join(GOLDEN_DIR, "bench.json"), join(dir, "bench.json"));
    const open = (d: string) => openEvalStore(d);
    const first = await writeReport(dir, { openStore: open });
    const md1 = await Deno.readTextFile(first.report);
    const png1 = await Deno.readFile(first.charts[0]!);
    assert.equal(first.records, 44);
    assert.equal(first.charts.length, 2);
    assert.deepEqual([...png1.subarray(1, 4)], [0x50, 0x4e, 0x47], "PNG signature");
    const second = await writeReport(dir, { openStore: open });
    assert.equal(await Deno.readTextFile(second.report), md1);
    assert.deepEqual(await Deno.readFile(second.charts[0]!), png1);
    assert.ok(md1.startsWith("# samq report: golden\n"));
    await assert.rejects(
      () => writeReport(join(dir, "missing"), { openStore: open }),
      isSamqError("not_found"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderReport() states evaluation hygiene and protocols only as far as the records show them", async () => {
  const records = await goldenRecords();
  const ids = [...new Set(records.map((r) => r.quantId).filter((q) => q !== null))].sort();
  const checked = records.map((r) =>
    r.quantId === null ? r : {
      ...r,
      audit: { passed: true, evaluationGraphsClean: true },
      evaluatedTrainingOps: 0,
      protocol: "ptq4sam",
      protocolDeviations: r.quantId === ids[0] ? ["calibration on the first 2 images, not 32"] : [],
    }
  );
  const md = (await renderGolden(checked)).markdown;
  assert.ok(md.includes(
    `Evaluation hygiene: every quantizer active at evaluation (audit passed for ${ids.length} of ${ids.length} ` +
      `quantized models; no random or drop op in any evaluated graph, checked at evaluation for ${ids.length} of ${ids.length}).`,
  ));
  assert.ok(md.includes(`ptq4sam ${ids.length} quantized models (1 with deviations)`));
  assert.ok(md.includes("| ptq4sam (deviations: calibration on the first 2 images, not 32) |"));
  assert.ok(md.includes("| per-tensor | ptq4sam |"));
  // One model whose records carry no audit, one whose audit failed: the line says so and claims nothing.
  const partial = checked.map((r) =>
    r.quantId === ids[1]
      ? { ...r, audit: null, evaluatedTrainingOps: null }
      : r.quantId === ids[2]
      ? { ...r, audit: { passed: false, evaluationGraphsClean: true } }
      : r
  );
  const line = (await renderGolden(partial)).markdown.split("\n").find((l) =>
    l.startsWith("Evaluation hygiene")
  );
  assert.equal(
    line,
    `Evaluation hygiene: NOT established for every quantized model (audit passed for ${ids.length - 2} of ` +
      `${ids.length} quantized models; 1 failed it; 1 without an audit in their records; graphs shown free of random ` +
      `and drop ops for ${ids.length - 1} of ${ids.length}).`,
  );
  const float = (await renderGolden(records.filter((r) => r.quantId === null))).markdown;
  assert.ok(float.includes("Evaluation hygiene: no quantized model in these records (nothing to check)."));
});

Deno.test("scheduleOf() shows a learned variant's budget as a share of the paper's schedule", () => {
  assert.equal(scheduleOf({ budget: 1, epochs: 100 }), "100 %");
  assert.equal(scheduleOf({ budget: 0.05 }), "5 %");
  assert.equal(scheduleOf({ budget: 0.0125 }), "1.3 %");
  assert.equal(scheduleOf({ lambda: 10 }), "closed form");
});
