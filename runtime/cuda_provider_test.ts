import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { sha256Bytes } from "../util/hash.ts";
import {
  CUDA_PROVIDER,
  CUDA_PROVIDER_FILES,
  cudaBlocker,
  diagnoseCuda,
  installCudaProvider,
  parseLdd,
} from "./cuda_provider.ts";
import { ortBinaryDir } from "./ort_binary_dir.ts";

Deno.test("parseLdd() splits resolved and missing libraries of real ldd output", async () => {
  const text = [
    "\tlinux-vdso.so.1 (0x00007ffd5f7e5000)",
    "\tlibcublasLt.so.13 => not found",
    "\tlibcudart.so.13 => /usr/local/cuda-13.0/lib/libcudart.so.13 (0x00007f0c1c000000)",
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0c1be1f000)",
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f0c1f3b2000)",
  ].join("\n");
  const p = parseLdd(text);
  assert.deepEqual(p.missing, ["libcublasLt.so.13"]);
  assert.equal(p.resolved["libcudart.so.13"], "/usr/local/cuda-13.0/lib/libcudart.so.13");
  // And on this machine's own ldd: libc resolves for /bin/sh.
  const out = await new Deno.Command("ldd", { args: ["/bin/sh"], stdout: "piped", stderr: "null" }).output()
    .catch(() => undefined);
  if (out?.success) {
    const own = parseLdd(new TextDecoder().decode(out.stdout));
    assert.ok(Object.keys(own.resolved).some((l) => l.startsWith("libc.so")), JSON.stringify(own));
    assert.deepEqual(own.missing, []);
  }
});

Deno.test("installCudaProvider() places the files of a folder beside the binding atomically", async () => {
  const root = await Deno.makeTempDir();
  try {
    const from = join(root, "from"), bin = join(root, "bin");
    await Deno.mkdir(from);
    await Deno.mkdir(bin);
    for (const [k, f] of CUDA_PROVIDER_FILES.entries()) {
      await Deno.writeFile(join(from, f), Uint8Array.of(k, 1, 2));
    }
    const written = await installCudaProvider({ from, bindingDir: bin });
    assert.deepEqual(written.sort(), CUDA_PROVIDER_FILES.map((f) => join(bin, f)).sort());
    for (const [k, f] of CUDA_PROVIDER_FILES.entries()) {
      assert.deepEqual(await Deno.readFile(join(bin, f)), Uint8Array.of(k, 1, 2));
    }
    assert.deepEqual([...Deno.readDirSync(bin)].map((e) => e.name).sort(), [...CUDA_PROVIDER_FILES].sort());
    // Not the pinned build, so status says so; without CUDA libraries it names what is missing.
    const report = await diagnoseCuda(bin);
    assert.equal(report.provider.length, 2);
    assert.ok(report.provider.every((p) => !p.pinned));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("installCudaProvider() refuses a folder without the files and a tarball that is not the pinned one", async () => {
  const root = await Deno.makeTempDir();
  try {
    await assert.rejects(
      installCudaProvider({ from: root, bindingDir: root }),
      (e) => e instanceof SamqError && e.code === "not_found" && e.message.includes(CUDA_PROVIDER_FILES[0]!),
    );
    const fake = new TextEncoder().encode("not the provider package");
    assert.notEqual(sha256Bytes(fake), CUDA_PROVIDER.tarballSha256);
    await assert.rejects(
      installCudaProvider({ tarball: fake, bindingDir: root }),
      (e) => e instanceof SamqError && e.code === "checksum_mismatch",
    );
    assert.deepEqual([...Deno.readDirSync(root)], []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cudaBlocker() names the missing provider, then the missing CUDA libraries", () => {
  const base = {
    bindingDir: "/b",
    ortVersion: "1.29.0",
    provider: [],
    gpus: [],
    missingLibraries: [],
    resolvedLibraries: {},
    pythonCudaDirs: [],
  };
  assert.match(cudaBlocker(base)!, /libonnxruntime_providers_cuda\.so is not installed/);
  const withProvider = {
    ...base,
    provider: [{ file: "/b/libonnxruntime_providers_cuda.so", sha256: "x", pinned: true }],
  };
  assert.equal(cudaBlocker(withProvider), undefined);
  const missing = cudaBlocker({
    ...withProvider,
    missingLibraries: ["libcublas.so.13"],
    pythonCudaDirs: ["/py/nvidia/cu13/lib"],
  })!;
  assert.match(missing, /libcublas\.so\.13/);
  assert.match(missing, /\/py\/nvidia\/cu13\/lib/);
  assert.ok(!missing.includes("\n"));
});

Deno.test("the pinned provider matches the installed onnxruntime-node", async () => {
  const dir = ortBinaryDir();
  assert.ok(dir !== undefined, "onnxruntime-node's binding is installed");
  const pkg = JSON.parse(await Deno.readTextFile(join(dir, "..", "..", "..", "..", "package.json")));
  assert.equal(pkg.version, CUDA_PROVIDER.ortVersion);
});
