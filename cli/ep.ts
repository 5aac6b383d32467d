/**
 * `deno task ep install cuda [--from DIR] | status [--json]`
 *
 * `install cuda` fetches the CUDA provider libraries for onnxruntime-node from npm (runtime/cuda_provider.ts:
 * `npm pack`, sha256-pinned, written atomically beside the binding, no lifecycle script) or takes them from a
 * folder (`--from`, e.g. an offline GPU host that received a pruned build), then prints what `status` prints:
 * the GPUs, the provider files, the CUDA/cuDNN libraries the provider resolves or misses, and the EP that
 * `--ep auto` picks.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { SamqError } from "../util/errors.ts";
import { logLine, runCli } from "../util/cli.ts";
import {
  CUDA_PROVIDER,
  cudaBlocker,
  type CudaReport,
  diagnoseCuda,
  installCudaProvider,
} from "../runtime/cuda_provider.ts";
import { resolveExecutionProvider } from "../runtime/execution_provider.ts";

const USAGE = `usage:
  deno task ep install cuda [--from DIR]   place ONNX Runtime's CUDA provider beside onnxruntime-node
                                           (${CUDA_PROVIDER.npmPackage}@${CUDA_PROVIDER.version}: ORT ${CUDA_PROVIDER.ortVersion}, ${CUDA_PROVIDER.requires})
  deno task ep status [--json]             GPUs, provider files, CUDA libraries found or missing, what --ep auto picks`;

async function status(json: boolean): Promise<void> {
  const report: CudaReport = await diagnoseCuda();
  const blocker = cudaBlocker(report);
  const auto = await resolveExecutionProvider("auto").then(
    (r) => `${r.ep} (${r.reason})`,
    (e) => `error: ${(e as Error).message}`,
  );
  if (json) {
    // deno-lint-ignore no-console
    console.log(JSON.stringify({ ...report, cudaBlocker: blocker ?? null, auto }));
    return;
  }
  logLine(`onnxruntime-node ${report.ortVersion ?? "?"} binding: ${report.bindingDir ?? "not installed"}`);
  logLine(`GPUs: ${report.gpus.length > 0 ? report.gpus.join("; ") : "none visible (nvidia-smi)"}`);
  for (const p of report.provider) {
    logLine(
      `provider: ${p.file} sha256 ${p.sha256.slice(0, 12)}… ${
        p.pinned ? "(pinned build)" : "(not the pinned build)"
      }`,
    );
  }
  if (report.provider.length === 0) logLine("provider: not installed");
  for (const [lib, where] of Object.entries(report.resolvedLibraries)) logLine(`  ${lib} → ${where}`);
  for (const lib of report.missingLibraries) logLine(`  ${lib} → not found`);
  if (report.pythonCudaDirs.length > 0 && report.missingLibraries.length > 0) {
    logLine(
      `hint: export LD_LIBRARY_PATH=${report.pythonCudaDirs.join(":")}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}`,
    );
  }
  logLine(`cuda: ${blocker === undefined ? "loadable" : `blocked: ${blocker}`}`);
  logLine(`--ep auto → ${auto}`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      from: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [cmd, what] = positionals;
  if (values.help || cmd === undefined) {
    logLine(USAGE);
    return;
  }
  if (cmd === "install") {
    if (what !== "cuda") {
      throw new SamqError(
        "invalid_argument",
        `Cannot install "${what ?? ""}": the only provider to install is "cuda"`,
        {
          field: "provider",
        },
      );
    }
    await installCudaProvider({
      ...(values.from !== undefined ? { from: values.from } : {}),
      progress: logLine,
    });
    await status(values.json ?? false);
  } else if (cmd === "status" || cmd === "doctor") {
    await status(values.json ?? false);
  } else {
    throw new SamqError("invalid_argument", `Cannot run "ep ${cmd}": expected install or status`, {
      field: "command",
    });
  }
}

if (import.meta.main) await runCli(main);
