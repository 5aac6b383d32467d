/**
 * Outputs that cannot be written: an `--out` whose parent is a regular file (portable: root ignores
 * permission bits, so a read-only folder would not stop the tests when they run as root) and a full disk
 * in the middle of a write, simulated with a file-size limit (`ulimit -f`, see `RunCliOptions`) so that
 * no mount or root is needed. Each command must end in one `error:` line with exit code 2 and leave
 * neither a partial file nor a partial folder: the run store keeps exactly its complete records.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type BadCase,
  expectUserError,
  expectUserErrors,
  snapshotTree,
  TINY_OFFICIAL,
  withTmp,
  writePng,
} from "./_bad_input.ts";
import { runCliFile } from "../util/test_cli.ts";

const EVAL = "synthetic:seed=91,n=2,size=64";
const CALIB = "synthetic:seed=92,n=2,size=64";
const QUANT = [
  ...["--method", "minmax", "--bits", "w4a4", "--calib", CALIB, "--n", "2", "--eval-data", "none"],
  ...["--prompts-per-image", "1", "--audit-images", "1", "--ep", "cpu"],
];

async function benchConfig(path: string): Promise<string> {
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "out-test",
      models: [TINY_OFFICIAL],
      methods: ["float", "minmax"],
      bits: ["w4a4"],
      datasets: [EVAL],
      modes: ["point"],
      calibration: { spec: CALIB, n: 2 },
      ep: "cpu",
    }),
  );
  return path;
}

Deno.test("every writing command refuses an --out under a regular file in one line", async () => {
  await withTmp(async (tmp) => {
    const img = join(tmp, "img.png");
    await writePng(img, 64, 48);
    const w = join(tmp, "w");
    await Deno.mkdir(w);
    const file = join(w, "file");
    await Deno.writeTextFile(file, "a file, not a folder");
    const out = join(file, "out");
    const config = await benchConfig(join(tmp, "bench.json"));
    const c = (entry: string, args: string[], re: RegExp, run: BadCase["run"] = {}): BadCase => ({
      what: "--out under a file",
      entry,
      args,
      re,
      watch: [w],
      run,
    });
    await expectUserErrors([
      c("predict.ts", [
        "--model",
        TINY_OFFICIAL,
        "--image",
        img,
        "--point",
        "5,5",
        "--out",
        out,
        "--ep",
        "cpu",
      ], /Not a directory/),
      c("eval.ts", [
        "--model",
        TINY_OFFICIAL,
        "--data",
        EVAL,
        "--modes",
        "point",
        "--ep",
        "cpu",
        "--out",
        out,
      ], /Not a directory/),
      c(
        "quantize.ts",
        ["--model", TINY_OFFICIAL, ...QUANT, "--out", out],
        /".*\/w\/file" is a file, not a folder/,
      ),
      c("bench.ts", ["--config", config, "--out", out], /Not a directory/),
      c("model.ts", ["import", TINY_OFFICIAL, "--name", "x"], /Not a directory/, {
        env: { SAMQ_MODELS: out },
      }),
    ]);
  });
});

Deno.test("predict and quantize leave nothing behind when the disk fills up mid-write", async () => {
  await withTmp(async (tmp) => {
    const img = join(tmp, "img.png");
    await writePng(img, 256, 192);
    const w = join(tmp, "w");
    await Deno.mkdir(w);
    await expectUserErrors([
      {
        // The mask PNG (~1 KB) fits in 2 KiB, the overlay (~8 KB) does not.
        what: "disk full after the first file",
        entry: "predict.ts",
        args: [
          "--model",
          TINY_OFFICIAL,
          "--image",
          img,
          "--point",
          "5,5",
          "--out",
          join(w, "p"),
          "--ep",
          "cpu",
        ],
        re: /Cannot write the prediction to ".*\/p": File too large/,
        watch: [w],
        run: { fileSizeLimitKiB: 2 },
      },
      {
        // encoder.onnx (~320 KB) does not fit in 100 KiB.
        what: "disk full while writing encoder.onnx",
        entry: "quantize.ts",
        args: ["--model", TINY_OFFICIAL, ...QUANT, "--out", join(w, "q")],
        re: /Cannot write ".*\/w\/q": File too large/,
        watch: [w, TINY_OFFICIAL],
        run: { fileSizeLimitKiB: 100 },
        progressFirst: true,
      },
    ]);
  });
});

Deno.test("eval keeps its run store intact when the disk fills up in the middle of a record", async () => {
  await withTmp(async (tmp) => {
    const out = join(tmp, "run");
    const env = { SAMQ_CACHE: join(tmp, "cache") };
    const args = ["--model", TINY_OFFICIAL, "--data", EVAL, "--ep", "cpu", "--out", out];
    const first = await runCliFile("eval.ts", [...args, "--modes", "point"], { env });
    assert.equal(first.code, 0, first.stderr);
    const size = (await Deno.stat(join(out, "records.jsonl"))).size;
    // The file may grow to the next KiB boundary: some bytes, but less than one record (the first one
    // alone is `size` bytes), so the append writes part of its line and then fails.
    const limit = Math.floor(size / 1024) + 1;
    assert.ok(limit * 1024 - size < size, `a record of ${size} bytes fits in the ${limit} KiB left`);
    await expectUserError({
      what: "disk full in the middle of a record",
      entry: "eval.ts",
      args: [...args, "--modes", "point,box"],
      re: /Cannot append to run store ".*records\.jsonl": File too large/,
      watch: [out],
      run: { env, fileSizeLimitKiB: limit },
      progressFirst: true,
    });
    // The store still opens and the rerun completes it.
    const rerun = await runCliFile("eval.ts", [...args, "--modes", "point,box"], { env });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.doesNotMatch(rerun.stderr, /incomplete last line/);
    const lines = (await Deno.readTextFile(join(out, "records.jsonl"))).trim().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).mode), ["point", "box"]);
  });
});

Deno.test("bench leaves no partial model or record when the disk fills up in a quantization job", async () => {
  await withTmp(async (tmp) => {
    const out = join(tmp, "run");
    const config = await benchConfig(join(tmp, "bench.json"));
    const env = { SAMQ_CACHE: join(tmp, "cache") };
    await expectUserError({
      what: "disk full while writing the quantized model",
      entry: "bench.ts",
      args: ["--config", config, "--out", out, "--skip-report"],
      re: /File too large/,
      watch: [],
      run: { env, fileSizeLimitKiB: 100 },
      progressFirst: true,
    });
    // What is left is the manifest and complete records only: no temp file, no model folder.
    const left = await snapshotTree(out);
    assert.deepEqual(Object.keys(left).filter((p) => /tmp|\.old-/.test(p)), [], JSON.stringify(left));
    assert.deepEqual(Object.keys(left).filter((p) => p.startsWith("models/")), [], JSON.stringify(left));
    const records = await Deno.readTextFile(join(out, "records.jsonl")).catch(() => "");
    assert.ok(records === "" || records.endsWith("\n"));
    const rerun = await runCliFile("bench.ts", ["--config", config, "--out", out, "--skip-report"], { env });
    assert.equal(rerun.code, 0, rerun.stderr);
  });
});
