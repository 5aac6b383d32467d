/**
 * Determinism: the same config and seed give the same outputs on a second run, each in a fresh process:
 * byte-identical ONNX files and sam.json, quant.json identical but for `timingsMs`, and (for the bench)
 * the same records and report up to wall times (see `tests/_run_compare.ts` for the exact exclusions).
 * Closed-form methods and one learned method at one optimizer step per unit (as the methods' contract
 * test runs them) on the tiny fixture; `SAMQ_SLOW_TESTS=1` covers every method.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { METHODS } from "../quantize/methods/mod.ts";
import { SLOW_TESTS } from "../util/test_env.ts";
import { snapshotTree, TINY_OFFICIAL, withTmp } from "./_bad_input.ts";
import { runCliFile } from "../util/test_cli.ts";
import { comparableQuantJson, comparableRecords, comparableTree } from "./_run_compare.ts";

const DEFAULT_METHODS = ["minmax", "percentile", "lsq+"];
const QUANT_METHODS = SLOW_TESTS ? Object.keys(METHODS) : DEFAULT_METHODS;

for (const method of QUANT_METHODS) {
  const learned = "budget" in METHODS[method]!.defaults;
  Deno.test(`quantize ${method}${learned ? " (one step)" : ""} twice with the same seed gives identical ONNX and quant.json`, async () => {
    await withTmp(async (tmp) => {
      const run = async (name: string) => {
        const out = join(tmp, name);
        const r = await runCliFile("quantize.ts", [
          ...["--model", TINY_OFFICIAL, "--method", method, "--bits", "w4a4", "--seed", "7"],
          ...["--calib", "synthetic:seed=111,n=2,size=64", "--n", "2", "--eval-data", "none"],
          ...["--prompts-per-image", "1", "--audit-images", "1", "--ep", "cpu", "--out", out],
          ...(learned ? ["--budget", "1e-9"] : []),
        ], { env: { SAMQ_CACHE: join(tmp, "cache") } });
        assert.equal(r.code, 0, r.stderr);
        return out;
      };
      const a = await run("a");
      const b = await run("b");
      // ONNX and sam.json byte for byte (sam.json names the folder: both are called by their base name).
      const raw = [await snapshotTree(a), await snapshotTree(b)];
      for (const f of ["encoder.onnx", "decoder.onnx"]) assert.equal(raw[0]![f], raw[1]![f], f);
      assert.deepEqual(
        JSON.parse(await Deno.readTextFile(join(a, "sam.json"))),
        { ...JSON.parse(await Deno.readTextFile(join(b, "sam.json"))), name: "a" },
      );
      const quant = async (d: string) => comparableQuantJson(await Deno.readTextFile(join(d, "quant.json")));
      assert.deepEqual(await quant(a), await quant(b));
    });
  });
}

Deno.test("bench twice with the same config gives the same records, models, figures and report", async () => {
  await withTmp(async (tmp) => {
    const config = join(tmp, "bench.json");
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        name: "determinism",
        models: [TINY_OFFICIAL],
        methods: ["float", "minmax"],
        bits: ["w4a4"],
        datasets: ["synthetic:seed=112,n=2,size=64"],
        modes: ["point", "box"],
        calibration: { spec: "synthetic:seed=113,n=2,size=64", n: 2 },
        ep: "cpu",
        qualitative: 1,
      }),
    );
    const env = { SAMQ_CACHE: join(tmp, "cache") };
    for (const d of ["a", "b"]) {
      const r = await runCliFile("bench.ts", ["--config", config, "--out", join(tmp, d)], { env });
      assert.equal(r.code, 0, r.stderr);
    }
    const [ra, rb] = [await comparableRecords(join(tmp, "a")), await comparableRecords(join(tmp, "b"))];
    assert.equal(ra.length, 4);
    assert.deepEqual(ra, rb);
    const [ta, tb] = [await comparableTree(join(tmp, "a")), await comparableTree(join(tmp, "b"))];
    assert.ok(
      Object.keys(ta).some((p) => p.endsWith(".onnx")) && Object.keys(ta).some((p) => p.endsWith(".png")),
    );
    assert.deepEqual(ta, tb);
  });
});
