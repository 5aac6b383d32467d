/**
 * ONNX Runtime's CUDA execution provider for onnxruntime-node, installed from npm.
 *
 * onnxruntime-node's linux-x64 library already holds the CUDA EP bridge; only the provider libraries
 * (`libonnxruntime_providers_{cuda,shared}.so`) are missing, and its install script downloads them from a
 * package host outside npm. The npm package {@link CUDA_PROVIDER} ships the same libraries built for
 * ONNX Runtime 1.29.0 against CUDA 13 + cuDNN 9, so samq pins onnxruntime-node to 1.29.0: a provider
 * library must match the runtime's version exactly (1.30.0 has no matching provider on npm).
 *
 * {@link installCudaProvider} places the two files beside onnxruntime-node's binding (sha256-checked,
 * each written to a temporary name and renamed, no lifecycle script run); {@link diagnoseCuda} reports
 * the GPU, the provider, and which of the provider's shared-library dependencies the loader cannot find.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { sha256Bytes, sha256File } from "../util/hash.ts";
import { fetchNpmTarball } from "../util/npm_tarball.ts";
import { gunzip, listTar } from "../util/tar.ts";
import { ortBinaryDir } from "./ort_binary_dir.ts";

/** The provider package and what it must contain. */
export const CUDA_PROVIDER = Object.freeze({
  npmPackage: "com.github.asus4.onnxruntime.linux-x64-gpu",
  version: "0.4.9",
  /** The onnxruntime-node version these libraries were built for. */
  ortVersion: "1.29.0",
  requires: "CUDA 13 and cuDNN 9 (NVIDIA driver ≥ 580)",
  tarballSha256: "2b459e0c17f340c92970c10ed86de4f37a3009f93c14053e6ad4334cbb6be412",
  files: Object.freeze([
    Object.freeze({
      from: "package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so",
      to: "libonnxruntime_providers_cuda.so",
      sha256: "56cf3254b118ad837ccc4ed8f6d1b23504bbf7ef91b34cbc0b289cb7f10b3037",
    }),
    Object.freeze({
      from: "package/Plugins/Linux/x64/libonnxruntime_providers_shared.so",
      to: "libonnxruntime_providers_shared.so",
      sha256: "c6a12593396095f5670160e284c35d1700b7708cf3037b7042e2a5200ccae772",
    }),
  ]),
});

/** Names of the provider files placed beside the binding. */
export const CUDA_PROVIDER_FILES: readonly string[] = CUDA_PROVIDER.files.map((f) => f.to);

/** What {@link diagnoseCuda} found. */
export interface CudaReport {
  /** Folder of onnxruntime-node's binding, where the provider files must sit. */
  bindingDir: string | undefined;
  /** onnxruntime-node's version (from its package.json). */
  ortVersion: string | undefined;
  /** Provider files present beside the binding, with their sha256 and whether they are the pinned build. */
  provider: { file: string; sha256: string; pinned: boolean }[];
  /** GPUs by `nvidia-smi` (name, memory, driver), empty when none answers. */
  gpus: string[];
  /** Shared libraries the provider needs that the dynamic loader cannot find (from `ldd`). */
  missingLibraries: string[];
  /** CUDA/cuDNN libraries the provider needs, as resolved by the loader. */
  resolvedLibraries: Record<string, string>;
  /** Folders of Python's `nvidia-*` wheels holding CUDA libraries (a hint for LD_LIBRARY_PATH). */
  pythonCudaDirs: string[];
}

/** Reads onnxruntime-node's version from its package.json beside the binding folder. */
export async function ortNodeVersion(bindingDir = ortBinaryDir()): Promise<string | undefined> {
  if (bindingDir === undefined) return undefined;
  try {
    const pkg = JSON.parse(await Deno.readTextFile(join(bindingDir, "..", "..", "..", "..", "package.json")));
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link installCudaProvider}. */
export interface InstallCudaOptions {
  /**
   * Take the files from this folder instead of npm (an offline GPU host that received them, e.g. a
   * build pruned to one GPU architecture): they are not the pinned build, so only their presence is
   * checked and their sha256 reported.
   */
  from?: string;
  /** Binding folder (tests). @default onnxruntime-node's */
  bindingDir?: string;
  /** Provider package bytes (tests); fetched with `npm pack` when absent. */
  tarball?: Uint8Array;
  progress?: (line: string) => void;
}

/**
 * Installs the CUDA provider libraries beside onnxruntime-node's binding.
 *
 * @throws {SamqError} `unavailable` when onnxruntime-node is not installed or npm cannot fetch the package,
 * `incompatible` for another onnxruntime-node version, `checksum_mismatch` for a tarball or file that is not
 * the pinned one, `not_found` for a `from` folder without the files.
 */
export async function installCudaProvider(options: InstallCudaOptions = {}): Promise<string[]> {
  const progress = options.progress ?? (() => {});
  const dir = options.bindingDir ?? ortBinaryDir();
  if (dir === undefined) {
    throw new SamqError(
      "unavailable",
      "Cannot install the CUDA provider: onnxruntime-node's linux-x64 binding is not installed (run `deno install`)",
      { field: "onnxruntime-node" },
    );
  }
  const version = await ortNodeVersion(dir);
  if (options.bindingDir === undefined && version !== CUDA_PROVIDER.ortVersion) {
    throw new SamqError(
      "incompatible",
      `Cannot install the CUDA provider: it is built for onnxruntime-node ${CUDA_PROVIDER.ortVersion}, this is ${
        version ?? "an unknown version"
      }`,
      { field: "onnxruntime-node" },
    );
  }
  const files = new Map<string, Uint8Array>();
  if (options.from !== undefined) {
    for (const name of CUDA_PROVIDER_FILES) {
      const path = join(options.from, name);
      if (!(await exists(path))) {
        throw new SamqError("not_found", `Cannot install the CUDA provider: "${path}" does not exist`, {
          path,
        });
      }
      files.set(name, await Deno.readFile(path));
    }
  } else {
    const label = `${CUDA_PROVIDER.npmPackage}@${CUDA_PROVIDER.version}`;
    progress(`fetching ${label} (npm pack, ~180 MB once; cached)`);
    const tgz = options.tarball ??
      await fetchNpmTarball(CUDA_PROVIDER.npmPackage, CUDA_PROVIDER.version, CUDA_PROVIDER.tarballSha256);
    const got = sha256Bytes(tgz);
    if (got !== CUDA_PROVIDER.tarballSha256) {
      throw new SamqError(
        "checksum_mismatch",
        `Cannot install the CUDA provider: ${label} tarball sha256 is ${got}, expected ${CUDA_PROVIDER.tarballSha256}`,
        { field: "tarballSha256" },
      );
    }
    const tar = await gunzip(tgz, label);
    const entries = new Map(listTar(tar, label).map((e) => [e.name, e]));
    for (const f of CUDA_PROVIDER.files) {
      const e = entries.get(f.from);
      if (e === undefined) {
        throw new SamqError(
          "invalid_file",
          `Cannot install the CUDA provider: "${f.from}" is missing from ${label}`,
          {
            field: f.from,
          },
        );
      }
      const bytes = tar.subarray(e.offset, e.offset + e.size);
      const h = sha256Bytes(bytes);
      if (h !== f.sha256) {
        throw new SamqError(
          "checksum_mismatch",
          `Cannot install the CUDA provider: "${f.from}" sha256 is ${h}, expected ${f.sha256}`,
          { field: f.from },
        );
      }
      files.set(f.to, bytes);
    }
  }
  const written: string[] = [];
  for (const [name, bytes] of files) {
    const dest = join(dir, name);
    const tmp = `${dest}.tmp-${Deno.pid}`;
    try {
      await Deno.writeFile(tmp, bytes, { mode: 0o755 });
      await Deno.rename(tmp, dest);
    } catch (e) {
      await Deno.remove(tmp).catch(() => undefined);
      throw new SamqError("io", `Cannot write "${dest}": ${(e as Error).message}`, { path: dest, cause: e });
    }
    progress(`  ${name}: ${(bytes.length / 1e6).toFixed(1)} MB → ${dir}`);
    written.push(dest);
  }
  return written;
}

/** Parses `ldd` output into resolved and missing libraries (pure; exported for tests). */
export function parseLdd(text: string): { resolved: Record<string, string>; missing: string[] } {
  const resolved: Record<string, string> = {};
  const missing: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\S+)\s+=>\s+(.+?)(?:\s+\(0x[0-9a-f]+\))?\s*$/.exec(line);
    if (!m) continue;
    const [, lib, where] = m as unknown as [string, string, string];
    if (where === "not found") missing.push(lib);
    else resolved[lib] = where;
  }
  return { resolved, missing };
}

async function output(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** Libraries the CUDA provider needs that are part of CUDA/cuDNN (what a user has to install). */
const CUDA_LIB = /^lib(cu|nv|cudnn)/;

/** Inspects this host for the CUDA EP (never throws); `hashes: false` skips the provider's sha256 (230 MB). */
export async function diagnoseCuda(
  bindingDir = ortBinaryDir(),
  options: { hashes?: boolean } = {},
): Promise<CudaReport> {
  const provider: CudaReport["provider"] = [];
  let missing: string[] = [];
  const resolvedLibraries: Record<string, string> = {};
  if (bindingDir !== undefined) {
    for (const f of CUDA_PROVIDER.files) {
      const path = join(bindingDir, f.to);
      if (!(await exists(path))) continue;
      const sha256 = options.hashes === false ? "" : await sha256File(path);
      provider.push({ file: path, sha256, pinned: sha256 === f.sha256 });
    }
    const cuda = join(bindingDir, "libonnxruntime_providers_cuda.so");
    if (await exists(cuda)) {
      const ldd = await output("ldd", [cuda]);
      if (ldd !== undefined) {
        const parsed = parseLdd(ldd);
        missing = parsed.missing;
        for (const [lib, where] of Object.entries(parsed.resolved)) {
          if (CUDA_LIB.test(lib)) resolvedLibraries[lib] = where;
        }
      }
    }
  }
  const smi = await output("nvidia-smi", [
    "--query-gpu=name,memory.total,driver_version",
    "--format=csv,noheader",
  ]);
  const gpus = (smi ?? "").split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const py = await output("python3", [
    "-c",
    "import nvidia,os;r=os.path.dirname(nvidia.__path__[0])+'/nvidia';print('\\n'.join(sorted(os.path.join(r,d,'lib') for d in os.listdir(r) if os.path.isdir(os.path.join(r,d,'lib')))))",
  ]);
  const pythonCudaDirs = (py ?? "").split("\n").filter((l) => l !== "");
  return {
    bindingDir,
    ortVersion: await ortNodeVersion(bindingDir),
    provider,
    gpus,
    missingLibraries: missing,
    resolvedLibraries,
    pythonCudaDirs,
  };
}

/** One line naming what keeps the CUDA EP from loading, or undefined when nothing visible does. */
export function cudaBlocker(report: CudaReport): string | undefined {
  if (report.bindingDir === undefined) return "onnxruntime-node's linux-x64 binding is not installed";
  if (!report.provider.some((p) => p.file.endsWith("libonnxruntime_providers_cuda.so"))) {
    return `libonnxruntime_providers_cuda.so is not installed beside onnxruntime-node (run \`deno task ep install cuda\`)`;
  }
  if (report.missingLibraries.length > 0) {
    const hint = report.pythonCudaDirs.length > 0
      ? `; Python's CUDA wheels are in ${report.pythonCudaDirs.join(":")} (add them to LD_LIBRARY_PATH)`
      : "";
    return `the CUDA provider needs ${
      report.missingLibraries.join(", ")
    }, which the loader cannot find (${CUDA_PROVIDER.requires}${hint})`;
  }
  return undefined;
}
