/**
 * tools/gpu_xfer.sh + tools/gpu_bench.sh stash/unpack: a model and a data set cut into parts that each fit a
 * device call, then rebuilt byte for byte (and refused while a part is missing).
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";

const FIXTURE = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

async function sh(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command("bash", { args, cwd: REPO_ROOT, env, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

async function trackedBytes(): Promise<number> {
  const r = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: REPO_ROOT, stdout: "piped" })
    .output();
  let sum = 0;
  for (const f of new TextDecoder().decode(r.stdout).split("\0").filter((x) => x !== "")) {
    sum += await Deno.stat(join(REPO_ROOT, f)).then((s) => s.size, () => 0);
  }
  return sum;
}

const IS_CHECKOUT = (() => {
  try {
    Deno.statSync(join(REPO_ROOT, ".git"));
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "gpu_xfer.sh parts each fit one call, and gpu_bench.sh unpack rebuilds them exactly" +
    (IS_CHECKOUT ? "" : " (skipped: not a git checkout)"),
  ignore: !IS_CHECKOUT,
}, async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-xfer-" });
  try {
    const models = join(tmp, "models"), data = join(tmp, "data");
    await Deno.mkdir(models);
    await Deno.mkdir(join(data, "set"), { recursive: true });
    await Deno.symlink(FIXTURE, join(models, "tiny"));
    const blob = new Uint8Array(2_500_000).map((_, i) => (i * 2654435761) >>> 24);
    await Deno.writeFile(join(data, "set", "blob.bin"), blob);
    const mib = 1048576;
    const limitMib = Math.ceil(await trackedBytes() / mib) + 2; // ~1 MiB of room per call
    const env = {
      SAMQ_MODELS: models,
      SAMQ_DATA: data,
      LIMIT_MIB: String(limitMib),
      XFER_BESIDE: join(tmp, "none"),
      XFER_DIR: join(tmp, "x"),
      XFER_STASH: join(tmp, "stash"),
      XFER_ROOT: join(tmp, "root"),
    };
    const made = await sh(["tools/gpu_xfer.sh", "--models", "tiny", "--data", "set"], env);
    assert.equal(made.code, 0, made.out);
    const parts = [...Deno.readDirSync(join(tmp, "x"))].map((e) => e.name).filter((n) =>
      n.startsWith("part-")
    )
      .sort();
    assert.ok(parts.length >= 2, `split into ${parts.length} parts: ${made.out}`);
    const tracked = await trackedBytes();
    for (const p of parts) {
      const size = (await Deno.stat(join(tmp, "x", p))).size;
      assert.ok(tracked + size <= limitMib * mib, `${p} (${size} B) fits one call beside the tracked tree`);
    }
    // One part short: unpack refuses and builds nothing.
    const all = parts.map((p) => join(tmp, "x", p));
    await Deno.rename(all.at(-1)!, join(tmp, "held-back"));
    assert.equal((await sh(["tools/gpu_bench.sh", "stash"], env)).code, 0);
    const early = await sh(["tools/gpu_bench.sh", "unpack"], env);
    assert.notEqual(early.code, 0);
    assert.match(early.out, /parts missing or corrupt/);
    assert.equal(await Deno.stat(join(tmp, "root")).then(() => true, () => false), false);
    // The last part arrives with a later call.
    await Deno.rename(join(tmp, "held-back"), all.at(-1)!);
    const done = await sh(["tools/gpu_bench.sh", "stash", "unpack"], {
      ...env,
      // unpack verifies with `deno task model verify`: the deno running this test.
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
    });
    assert.equal(done.code, 0, done.out);
    assert.match(done.out, /tiny: all files match sam\.json/);
    assert.deepEqual(await Deno.readFile(join(tmp, "root", "data", "set", "blob.bin")), blob);
    for (const f of ["encoder.onnx", "decoder.onnx", "sam.json"]) {
      assert.deepEqual(
        await Deno.readFile(join(tmp, "root", "models", "tiny", f)),
        await Deno.readFile(join(FIXTURE, f)),
      );
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
