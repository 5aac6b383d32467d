/**
 * Bad command lines, prompts, images and JSON for the commands that need no quantization or bench run:
 * predict (flags, prompts out of the image, NaN and negative boxes, zero-size and undecodable images),
 * cocoeval (malformed and schema-violating GT and results), report (corrupt run stores) and model
 * (unknown names, bad folders, checksum mismatch). Each ends in one `error:` line with exit code 2 and
 * changes no file.
 */
import { join } from "node:path";
import {
  type BadCase,
  expectUserErrors,
  TINY_OFFICIAL,
  withTmp,
  writeCocoDataset,
  writePng,
} from "./_bad_input.ts";

Deno.test("predict rejects bad flags, prompts and images in one line and writes nothing", async () => {
  await withTmp(async (tmp) => {
    const img = join(tmp, "img.png");
    await writePng(img, 64, 48);
    await Deno.writeFile(join(tmp, "empty.png"), new Uint8Array());
    await Deno.writeTextFile(join(tmp, "text.png"), "this is not an image");
    // A PNG cut in half: the header decodes, the pixels do not.
    const png = await Deno.readFile(img);
    await Deno.writeFile(join(tmp, "cut.png"), png.subarray(0, Math.floor(png.length / 2)));
    const w = join(tmp, "w");
    await Deno.mkdir(w);
    const out = join(w, "out");
    const p = (what: string, args: string[], re: RegExp): BadCase => ({
      what,
      entry: "predict.ts",
      args: [...args, "--out", out, ...(args.includes("--ep") ? [] : ["--ep", "cpu"])],
      re,
      watch: [w, TINY_OFFICIAL],
    });
    const m = ["--model", TINY_OFFICIAL];
    const i = [...m, "--image", img];
    await expectUserErrors([
      p("no --model", ["--image", img, "--point", "1,1"], /--model is required \(see --help\)$/),
      p("unknown flag --modle", ["--modle", TINY_OFFICIAL, "--image", img], /Unknown option '--modle'/),
      p("--point without a value", [...i, "--point"], /Cannot parse the command line: Option '--point/),
      p("no prompt", i, /give --point or --box/),
      p(
        "zero-size image",
        [...m, "--image", join(tmp, "empty.png"), "--point", "1,1"],
        /Cannot (read|decode) image/,
      ),
      p(
        "text as image",
        [...m, "--image", join(tmp, "text.png"), "--point", "1,1"],
        /Cannot (read|decode) image/,
      ),
      p(
        "truncated PNG",
        [...m, "--image", join(tmp, "cut.png"), "--point", "1,1"],
        /Cannot (read|decode) image/,
      ),
      p("point outside (x = width)", [...i, "--point", "64,10"], /outside the 64x48 image/),
      p(
        "negative point (--point=-1,10)",
        [...i, "--point=-1,10"],
        /point \(-1, 10\) is outside the 64x48 image/,
      ),
      p("negative point without =", [...i, "--point", "-1,10"], /Option '--point' argument is ambiguous/),
      p(
        "negative-point outside",
        [...i, "--point", "5,5", "--neg-point", "10,48"],
        /outside the 64x48 image/,
      ),
      // A box that overlaps the image is a valid prompt (detector boxes often cross the border).
      p("box wholly past the image", [...i, "--box", "100,10,120,30"], /lies outside the 64x48 image/),
      p(
        "negative box",
        [...i, "--box=-50,-40,-10,-5"],
        /box \[-50, -40, -10, -5\] lies outside the 64x48 image/,
      ),
      p("NaN box", [...i, "--box", "NaN,1,20,20"], /Cannot parse --box "NaN,1,20,20": expected x0,y0,x1,y1/),
      p("Infinity point", [...i, "--point", "Infinity,1"], /Cannot parse --point "Infinity,1"/),
      p("box with 3 numbers", [...i, "--box", "1,2,3"], /expected x0,y0,x1,y1/),
      p("box x1 < x0", [...i, "--box", "40,5,10,20"], /x0 <= x1/),
      p("unknown EP", [...i, "--point", "1,1", "--ep", "tpu"], /tpu/),
    ]);
  });
});

Deno.test("cocoeval rejects malformed and schema-violating GT and results in one line", async () => {
  await withTmp(async (tmp) => {
    const gt = await writeCocoDataset(join(tmp, "ds"));
    const write = async (name: string, value: unknown) => {
      const path = join(tmp, name);
      await Deno.writeTextFile(path, typeof value === "string" ? value : JSON.stringify(value));
      return path;
    };
    const det = (
      o: Record<string, unknown>,
    ) => [{ image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], score: 0.9, ...o }];
    const good = await write("good.json", det({}));
    const c = (what: string, g: string, r: string, re: RegExp, extra: string[] = []): BadCase => ({
      what,
      entry: "cocoeval.ts",
      args: ["--gt", g, "--results", r, "--iou-type", "bbox", ...extra],
      re,
      watch: [tmp],
    });
    const gtBad = async (name: string, edit: (g: Record<string, unknown>) => void) =>
      await writeCocoDataset(join(tmp, name), edit);
    await expectUserErrors([
      c("GT not JSON", await write("gt-bad.json", '{"images": [1,'), good, /Cannot parse ".*gt-bad\.json"/),
      c("GT empty file", await write("gt-empty.json", ""), good, /Cannot parse ".*gt-empty\.json"/),
      c("GT images not an array", await gtBad("g1", (g) => (g.images = {})), good, /images/),
      c(
        "GT annotation bbox of 3 numbers",
        await gtBad("g2", (g) => {
          (g.annotations as Record<string, unknown>[])[0]!.bbox = [1, 2, 3];
        }),
        good,
        /bbox/,
      ),
      c("GT without categories", await gtBad("g4", (g) => delete g.categories), good, /categories/),
      c("results not JSON", gt, await write("r-bad.json", "[{"), /Cannot parse ".*r-bad\.json"/),
      c("results an object", gt, await write("r-obj.json", { a: 1 }), /array|list/),
      c("results bbox of 3", gt, await write("r-b3.json", det({ bbox: [1, 2, 3] })), /bbox/),
      c("results NaN bbox (null)", gt, await write("r-nan.json", det({ bbox: [null, 1, 2, 3] })), /bbox/),
      c("results score a string", gt, await write("r-score.json", det({ score: "high" })), /score/),
      c("results unknown image", gt, await write("r-img.json", det({ image_id: 42 })), /42|image/),
      c("missing results file", gt, join(tmp, "none.json"), /does not exist/),
      c("bad --iou-type", gt, good, /iou-type/, ["--iou-type", "keypoints"]),
      c("bad --max-dets", gt, good, /max-dets/, ["--max-dets", "1,0"]),
    ]);
  });
});

Deno.test("report rejects corrupt run stores and an unwritable report in one line", async () => {
  await withTmp(async (tmp) => {
    const run = async (name: string, records: string) => {
      const dir = join(tmp, name);
      await Deno.mkdir(dir);
      await Deno.writeTextFile(join(dir, "records.jsonl"), records);
      return dir;
    };
    const r = (what: string, dir: string, re: RegExp): BadCase => ({
      what,
      entry: "report.ts",
      args: [dir],
      re,
      watch: [tmp],
    });
    const blocked = await run("blocked", "");
    await Deno.mkdir(join(blocked, "report.md"));
    await expectUserErrors([
      r(
        "records line not JSON",
        await run("bad", '{oops}\n{"schema":"samq.eval/1","key":"a"}\n'),
        /line 1 is not valid JSON/,
      ),
      r(
        "record of another schema",
        await run("foreign", '{"schema":"other/9","key":"a"}\n'),
        /line 1 has schema "other\/9"/,
      ),
      r("record without key", await run("nokey", '{"schema":"samq.eval/1"}\n'), /line 1 has no "key"/),
      r(
        "record missing fields",
        await run("thin", '{"schema":"samq.eval/1","key":"a"}\n'),
        /line 1 field "model" is missing/,
      ),
      r("report.md is a folder", blocked, /report\.md/),
      r("run folder is a file", join(tmp, "blocked", "report.md", "x"), /does not exist|not a folder/),
    ]);
  });
});

Deno.test("model rejects unknown names, bad folders, escaping names and changed files in one line", async () => {
  await withTmp(async (tmp) => {
    const models = join(tmp, "models");
    await Deno.mkdir(models);
    const copy = join(tmp, "copy");
    await Deno.mkdir(copy);
    for (const f of ["sam.json", "encoder.onnx", "decoder.onnx"]) {
      await Deno.copyFile(join(TINY_OFFICIAL, f), join(copy, f));
    }
    const changed = join(tmp, "changed");
    await Deno.mkdir(changed);
    for (const f of ["sam.json", "encoder.onnx", "decoder.onnx"]) {
      await Deno.copyFile(join(TINY_OFFICIAL, f), join(changed, f));
    }
    const dec = await Deno.readFile(join(changed, "decoder.onnx"));
    dec[dec.length - 1] = dec[dec.length - 1]! ^ 1;
    await Deno.writeFile(join(changed, "decoder.onnx"), dec);
    await Deno.writeTextFile(join(tmp, "file.txt"), "x");
    const m = (what: string, args: string[], re: RegExp): BadCase => ({
      what,
      entry: "model.ts",
      args,
      re,
      watch: [tmp],
      run: { env: { SAMQ_MODELS: models } },
    });
    await expectUserErrors([
      m("get unknown", ["get", "sam-xxl"], /Cannot get model "sam-xxl": unknown/),
      m("get without name", ["get"], /no NAME given/),
      m("unknown subcommand", ["install", "x"], /unknown command \(see --help\)$/),
      m("unknown flag", ["import", copy, "--nam", "x"], /Unknown option '--nam'/),
      m("import missing folder", ["import", join(tmp, "nope")], /folder does not exist/),
      m("import a file", ["import", join(tmp, "file.txt")], /not a folder/),
      m("import --name ../escape", ["import", copy, "--name", "../escape"], /one folder name/),
      m("import --name a/b", ["import", copy, "--name", "a/b"], /one folder name/),
      m(
        "import --encoder missing",
        ["import", copy, "--encoder", "x.onnx", "--decoder", "decoder.onnx"],
        /x\.onnx/,
      ),
      m("verify changed file", ["verify", changed], /sha256 differs for decoder\.onnx/),
      m("verify unknown", ["verify", "nope"], /nope/),
    ]);
  });
});
