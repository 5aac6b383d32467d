/**
 * Bad data and options for the commands that evaluate or quantize: malformed and schema-violating GT,
 * detections and bench configs, zero-size and undecodable dataset images, NaN/negative detector boxes,
 * bit widths such as w10a10, and calibration data that overlaps the evaluation data. Each ends in one
 * `error:` line with exit code 2 and leaves the run store, the model and the output folder untouched.
 */
import { join } from "node:path";
import { type BadCase, expectUserErrors, TINY_OFFICIAL, withTmp, writeCocoDataset } from "./_bad_input.ts";

const CALIB = "synthetic:seed=82,n=2,size=64";

async function slot(root: string, name: string): Promise<string> {
  const dir = join(root, name);
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

Deno.test("eval rejects bad datasets, detections and options in one line and appends nothing", async () => {
  await withTmp(async (tmp) => {
    const gt = await writeCocoDataset(join(tmp, "ds"));
    const ds = (name: string, edit: (g: Record<string, unknown>) => void) =>
      writeCocoDataset(join(tmp, name), edit);
    const emptyImg = await ds("empty-img", () => {});
    await Deno.writeFile(join(tmp, "empty-img", "b.png"), new Uint8Array());
    const textImg = await ds("text-img", () => {});
    await Deno.writeTextFile(join(tmp, "text-img", "a.png"), "not a png");
    await Deno.writeTextFile(join(tmp, "gt-bad.json"), '{"images": [');
    const det = async (name: string, value: unknown) => {
      const p = join(tmp, name);
      await Deno.writeTextFile(p, typeof value === "string" ? value : JSON.stringify(value));
      return p;
    };
    const one = (
      o: Record<string, unknown>,
    ) => [{ image_id: 1, category_id: 1, bbox: [10, 10, 20, 20], score: 0.9, ...o }];
    const w = await slot(tmp, "w");
    const out = join(w, "run");
    const e = (
      what: string,
      data: string,
      re: RegExp,
      extra: string[] = [],
      progressFirst = false,
    ): BadCase => ({
      progressFirst,
      what,
      entry: "eval.ts",
      args: [
        "--model",
        TINY_OFFICIAL,
        "--data",
        data,
        "--modes",
        "point",
        "--ep",
        "cpu",
        "--out",
        out,
        ...extra,
      ],
      re,
      watch: [w, join(tmp, "ds"), TINY_OFFICIAL],
    });
    const d = (what: string, file: string, re: RegExp, progressFirst = false) =>
      e(what, `coco:${gt}`, re, ["--modes", "detbox", "--detections", file], progressFirst);
    await expectUserErrors([
      e("GT not JSON", `coco:${join(tmp, "gt-bad.json")}`, /Cannot parse ".*gt-bad\.json"/),
      e(
        "GT annotations an object",
        `coco:${await ds("g1", (g) => (g.annotations = { a: 1 }))}`,
        /annotations/,
      ),
      e(
        "GT image without file_name",
        `coco:${await ds("g2", (g) => {
          delete (g.images as Record<string, unknown>[])[0]!.file_name;
        })}`,
        /file_name/,
      ),
      e(
        "GT names a missing image",
        `coco:${await ds("g3", (g) => {
          (g.images as Record<string, unknown>[])[1]!.file_name = "gone.png";
        })}`,
        /gone\.png/,
      ),
      // Images are decoded as the run reaches them: progress lines may come first, no record is appended.
      e("zero-size dataset image", `coco:${emptyImg}`, /b\.png": file is empty/, [], true),
      e(
        "undecodable dataset image",
        `coco:${textImg}`,
        /a\.png": Input buffer contains unsupported/,
        [],
        true,
      ),
      e("unknown dataset kind", "imagenet:/x", /unknown dataset kind "imagenet"/),
      e("synthetic spec not key=integer", "synthetic:seed=x", /"seed=x" is not key=integer/),
      e("unknown mode", `coco:${gt}`, /unknown mode "mask"/, ["--modes", "mask"]),
      e("--limit 0", `coco:${gt}`, /--limit.*>= 1/, ["--limit", "0"]),
      d("detections not JSON", await det("d-bad.json", "[{"), /Cannot parse ".*d-bad\.json"/),
      d("detections an object", await det("d-obj.json", { a: 1 }), /d-obj\.json/),
      d("detection NaN box (null)", await det("d-nan.json", one({ bbox: [null, 10, 20, 20] })), /bbox/),
      d(
        "detection negative size",
        await det("d-neg.json", one({ bbox: [10, 10, -5, 20] })),
        /negative box size/,
        true,
      ),
      d(
        "detection box outside the image",
        await det("d-out.json", one({ bbox: [200, 200, 10, 10] })),
        /record 0 box \[200, 200, 10, 10\] lies outside the 64x48 image 1/,
        true,
      ),
      d("detection on an unknown image", await det("d-img.json", one({ image_id: 7 })), /7/),
    ]);
  });
});

Deno.test("quantize rejects bad bits, options, calibration data and overlap with the evaluation set in one line", async () => {
  await withTmp(async (tmp) => {
    const gt = await writeCocoDataset(join(tmp, "ds"));
    const textImg = await writeCocoDataset(join(tmp, "text-img"));
    const copy = await writeCocoDataset(join(tmp, "copy"));
    await Deno.writeTextFile(join(tmp, "text-img", "a.png"), "not a png");
    const w = await slot(tmp, "w");
    const q = (what: string, opts: Record<string, string>, re: RegExp, extra: string[] = []): BadCase => {
      const o: Record<string, string> = {
        model: TINY_OFFICIAL,
        method: "minmax",
        bits: "w4a4",
        calib: CALIB,
        n: "2",
        "eval-data": "none",
        "prompts-per-image": "1",
        "audit-images": "1",
        ep: "cpu",
        out: join(w, "q"),
        ...opts,
      };
      return {
        what,
        entry: "quantize.ts",
        args: [...Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]), ...extra],
        re,
        watch: [w, TINY_OFFICIAL],
      };
    };
    await expectUserErrors([
      q("bits w10a10", { bits: "w10a10" }, /Cannot use bit widths "w10a10"/),
      q("bits w0a8", { bits: "w0a8" }, /Cannot use bit widths "w0a8"/),
      q("bits 8", { bits: "8" }, /Cannot use bit widths "8"/),
      q("unknown method", { method: "gptq" }, /Cannot use method "gptq"/),
      q("--n 0", { n: "0" }, /"n" must be an integer >= 1/),
      q("--n abc", { n: "abc" }, /Cannot parse --n "abc"/),
      q("--scope bogus", { scope: "head" }, /"scope" must be one of/),
      q("--granularity bogus", { granularity: "per-row" }, /"granularity" must be one of/),
      q("--set without =", {}, /Cannot parse --set "lambda"/, ["--set", "lambda"]),
      q("unknown method option", {}, /nope/, ["--set", "nope=1"]),
      q(
        "calibration = evaluation set",
        { calib: `coco:${gt}`, "eval-data": `coco:${gt}` },
        /it is the evaluation set/,
      ),
      q("calibration = evaluation set (synthetic)", { "eval-data": CALIB }, /it is the evaluation set/),
      q(
        "calibration overlaps evaluation (a copy)",
        { calib: `coco:${copy}`, "eval-data": `coco:${gt}` },
        /1 image\(s\) also in evaluation set .* \(by content\)/,
      ),
      q("more calibration images than the set has", { n: "50" }, /it has 2 images, fewer than n = 50/),
      {
        ...q("undecodable calibration image", { calib: `coco:${textImg}` }, /a\.png": Input buffer/),
        progressFirst: true,
      },
    ]);
  });
});

Deno.test("bench rejects malformed and schema-violating configs and overlapping calibration in one line", async () => {
  await withTmp(async (tmp) => {
    const gt = await writeCocoDataset(join(tmp, "ds"));
    const base = {
      name: "bad",
      models: [TINY_OFFICIAL],
      methods: ["float", "minmax"],
      bits: ["w4a4"],
      datasets: [`coco:${gt}`],
      modes: ["point"],
      calibration: { spec: CALIB, n: 2 },
      ep: "cpu",
    };
    const w = await slot(tmp, "w");
    let k = 0;
    const b = async (what: string, config: unknown, re: RegExp, extra: string[] = []): Promise<BadCase> => {
      const path = join(tmp, `config-${k++}.json`);
      await Deno.writeTextFile(path, typeof config === "string" ? config : JSON.stringify(config));
      return {
        what,
        entry: "bench.ts",
        args: ["--config", path, "--out", join(w, "run"), ...extra],
        re,
        watch: [w],
      };
    };
    await expectUserErrors([
      await b("config not JSON", '{"name": "x", "models": [', /Cannot parse ".*config-0\.json"/),
      await b("config an array", [1, 2], /config/),
      await b("models not a list", { ...base, models: TINY_OFFICIAL }, /models/),
      await b("bits w10a10", { ...base, bits: ["w10a10"] }, /w10a10/),
      await b("unknown field", { ...base, modles: [] }, /modles/),
      await b("unknown mode", { ...base, modes: ["mask"] }, /"\/modes\/0" must be one of/),
      await b("negative calibration n", { ...base, calibration: { spec: CALIB, n: -1 } }, /n/),
      await b(
        "calibration = evaluation dataset",
        { ...base, calibration: { spec: `coco:${gt}`, n: 2 } },
        /it is also an evaluation dataset/,
      ),
      await b(
        "calibration = a copy of the evaluation dataset",
        { ...base, calibration: { spec: `coco:${await writeCocoDataset(join(tmp, "copy"))}`, n: 2 } },
        /1 image\(s\) also in evaluation set .* \(by content\)/,
      ),
      await b(
        "calibration n > images",
        { ...base, calibration: { spec: CALIB, n: 5 } },
        /fewer than calibration\.n = 5/,
      ),
      await b("missing model", { ...base, models: [join(tmp, "none")] }, /none/),
      await b("missing dataset", { ...base, datasets: [`coco:${join(tmp, "none.json")}`] }, /none\.json/),
      await b("bad --shard", base, /shard/, ["--shard", "3/2"]),
      await b("unknown flag", base, /Unknown option|--bitz/, ["--bitz", "w4a4"]),
    ]);
  });
});
