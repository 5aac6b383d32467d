/**
 * The cocoeval CLI as a user runs it: a subprocess on small generated GT/results files, checking stdout,
 * stderr and the exit code.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateCoco } from "../eval/coco/mod.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cocoeval(...args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/cocoeval.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Two images, categories 1 and 2 (2 without GT); one perfect box on image 1 (area 400: "small"). */
const GT = {
  images: [{ id: 1, width: 100, height: 100 }, { id: 2, width: 100, height: 100 }],
  categories: [{ id: 1, name: "a" }, { id: 2, name: "b" }],
  annotations: [{
    id: 1,
    image_id: 1,
    category_id: 1,
    bbox: [10, 10, 20, 20],
    area: 400,
    iscrowd: 0,
    segmentation: [[10, 10, 30, 10, 30, 30, 10, 30]],
  }],
};
const PERFECT = [{ image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], score: 0.9 }];
const WRONG_CAT = [{ image_id: 1, category_id: 2, bbox: [10, 10, 20, 20], score: 0.9 }];

async function withFiles(
  files: Record<string, unknown>,
  f: (path: (name: string) => string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "cocoeval_test_" });
  try {
    for (const [name, v] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), typeof v === "string" ? v : JSON.stringify(v));
    }
    await f((name) => join(dir, name));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Asserts a user error: exit 2, nothing on stdout, exactly one "error: …" line on stderr. */
function assertOneLineError(r: Run, pattern: RegExp) {
  strictEqual(r.code, 2, r.stderr);
  strictEqual(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  strictEqual(lines.length, 1, r.stderr);
  match(lines[0]!, /^error: /);
  match(lines[0]!, pattern);
}

Deno.test("cocoeval prints pycocotools' 12-line summary for a perfect detection", async () => {
  await withFiles({ "gt.json": GT, "res.json": PERFECT }, async (p) => {
    const r = await cocoeval("--gt", p("gt.json"), "--results", p("res.json"), "--iou-type", "bbox");
    strictEqual(r.code, 0, r.stderr);
    // Worked out by hand: AP = 0.9999999999999998 (eps) → 1.000; no medium/large GT → -1.000.
    strictEqual(
      r.stdout,
      [
        " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000",
        " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000",
        " Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 1.000",
        " Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000",
        " Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000",
        " Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000",
        " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000",
        " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 1.000",
        " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000",
        " Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000",
        " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000",
        " Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000",
        "",
      ].join("\n"),
    );
  });
});

Deno.test("cocoeval --json prints exactly one JSON object on stdout, equal to evaluateCoco()", async () => {
  // Image 1: a TP (0.9) and an FP (0.8, elsewhere); image 2: an FP (0.95) → non-trivial precision.
  const res = [
    ...PERFECT,
    { image_id: 1, category_id: 1, bbox: [60, 60, 20, 20], score: 0.8 },
    { image_id: 2, category_id: 1, bbox: [10, 10, 20, 20], score: 0.95 },
  ];
  await withFiles({ "gt.json": GT, "res.json": res }, async (p) => {
    const r = await cocoeval(
      "--gt",
      p("gt.json"),
      "--results",
      p("res.json"),
      "--iou-type",
      "segm",
      "--json",
    );
    strictEqual(r.code, 0, r.stderr);
    strictEqual(r.stderr, "");
    ok(r.stdout.endsWith("}\n") && !r.stdout.slice(0, -1).includes("\n"), r.stdout);
    const out = JSON.parse(r.stdout);
    deepStrictEqual(Object.keys(out), ["stats", "perCategory", "ignoredResults"]);
    strictEqual(out.ignoredResults, 0);
    const lib = evaluateCoco(GT, res, { iouType: "segm" });
    deepStrictEqual(out.stats, lib.stats);
    deepStrictEqual(out.perCategory, { "1": lib.perCategory["1"], "2": -1 });
    // FP 0.95 first, then the TP: precision 1/(2 + eps) = 0.5 at every recall threshold.
    strictEqual(out.stats[0], 0.5);
  });
});

Deno.test("cocoeval --use-cats 0 matches across categories, --max-dets 1,10,1000 drops stat 0", async () => {
  await withFiles({ "gt.json": GT, "res.json": WRONG_CAT }, async (p) => {
    const base = ["--gt", p("gt.json"), "--results", p("res.json"), "--iou-type", "bbox"];
    const perCat = JSON.parse((await cocoeval(...base, "--json")).stdout);
    strictEqual(perCat.stats[0], 0); // the only detection has the wrong category
    const agnostic = await cocoeval(...base, "--use-cats", "0", "--json");
    strictEqual(agnostic.code, 0, agnostic.stderr);
    const a = JSON.parse(agnostic.stdout);
    strictEqual(a.stats[0], 0.9999999999999998);
    deepStrictEqual(a.perCategory, {});
    const big = await cocoeval(...base, "--use-cats", "0", "--max-dets", "1,10,1000");
    strictEqual(big.code, 0, big.stderr);
    const lines = big.stdout.trimEnd().split("\n");
    strictEqual(lines.length, 12);
    // maxDets lacks the literal 100 of stat 0 → -1; the others use maxDets[2] = 1000.
    strictEqual(lines[0], " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = -1.000");
    strictEqual(lines[1], " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=1000 ] = 1.000");
    strictEqual(lines[8], " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=1000 ] = 1.000");
  });
});

Deno.test("cocoeval with an empty results list prints a valid summary (AP 0 where GT exists)", async () => {
  await withFiles({ "gt.json": GT, "res.json": [] }, async (p) => {
    const r = await cocoeval(
      "--gt",
      p("gt.json"),
      "--results",
      p("res.json"),
      "--iou-type",
      "segm",
      "--json",
    );
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(JSON.parse(r.stdout), {
      stats: [0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1],
      perCategory: { "1": 0, "2": -1 },
      ignoredResults: 0,
    });
    const lines = r.stderr.trimEnd().split("\n");
    strictEqual(lines.length, 1, r.stderr);
    match(lines[0]!, /^warning: ".*res\.json" has no results: scored as "nothing detected".*IndexError/);
  });
});

Deno.test("cocoeval ignores results of unknown categories as pycocotools: one warning line, counted in --json", async () => {
  // Category 7 is not in the GT: its high-scoring false positive must not lower AP below the perfect one.
  const res = [
    { image_id: 1, category_id: 7, bbox: [60, 60, 20, 20], score: 0.99 },
    ...PERFECT,
    { image_id: 2, category_id: 9, bbox: [10, 10, 20, 20], score: 0.5 },
    { image_id: 2, category_id: 7, bbox: [10, 10, 20, 20], score: 0.5 },
  ];
  await withFiles({ "gt.json": GT, "res.json": res }, async (p) => {
    const base = ["--gt", p("gt.json"), "--results", p("res.json"), "--iou-type", "bbox"];
    for (const extra of [[], ["--use-cats", "0"]]) {
      const r = await cocoeval(...base, ...extra, "--json");
      strictEqual(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      strictEqual(out.ignoredResults, 3);
      strictEqual(out.stats[0], 0.9999999999999998); // as if only PERFECT had been given
      strictEqual(
        r.stderr,
        `warning: ignored 3 of 4 result(s) in "${p("res.json")}" whose category_id is not a ground-truth ` +
          "category (7, 9), as pycocotools does\n",
      );
    }
    const text = await cocoeval(...base);
    strictEqual(text.code, 0, text.stderr);
    strictEqual(text.stdout.trimEnd().split("\n").length, 12);
    strictEqual(text.stderr.trimEnd().split("\n").length, 1);
    match(text.stderr, /^warning: ignored 3 of 4 result/);
  });
});

Deno.test("cocoeval exits 2 with a one-line error for bad input", async () => {
  const badJson = '[\n  {"image_id": 1,\n   oops\n';
  const unknownImg = [
    { image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], score: 1 },
    { image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 },
    { image_id: 8, category_id: 1, bbox: [0, 0, 1, 1], score: 1 },
  ];
  await withFiles({ "gt.json": GT, "bad.json": badJson, "unk.json": unknownImg }, async (p) => {
    const base = ["--gt", p("gt.json"), "--iou-type", "bbox", "--results"];
    assertOneLineError(await cocoeval(...base, p("bad.json")), /Cannot parse ".*bad\.json"/);
    assertOneLineError(
      await cocoeval(...base, p("unk.json")),
      /unk\.json.*\/0\/image_id refers to image 7, which is not in the ground truth \(2 results on 2 image/,
    );
    assertOneLineError(
      await cocoeval("--gt", p("gt.json"), "--results", p("unk.json"), "--iou-type", "keypoints"),
      /--iou-type.*segm, bbox/,
    );
  });
});
