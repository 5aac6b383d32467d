/**
 * Execution-provider choice for ONNX Runtime sessions.
 *
 * `auto` picks CUDA when its provider library sits beside onnxruntime-node's binding (users whose
 * install script could download it), else WebGPU when an adapter initializes (Dawn over Vulkan), else CPU.
 * A forced EP that is unavailable is an error, never a silent fallback (DESIGN §5).
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { ortBinaryDir } from "./ort_binary_dir.ts";
import { cudaBlocker, diagnoseCuda } from "./cuda_provider.ts";

export { ortBinaryDir };

/** The `--ep` choices. */
export const EP_CHOICES = ["auto", "cpu", "webgpu", "cuda"] as const;
/** One of {@link EP_CHOICES}. */
export type EpChoice = typeof EP_CHOICES[number];
/** A concrete execution provider. */
export type ExecutionProvider = Exclude<EpChoice, "auto">;

/** The EP chosen and why (recorded with every result). */
export interface ResolvedEp {
  ep: ExecutionProvider;
  /** How the choice was made: "forced" or the auto rule that decided. */
  reason: string;
  /** onnxruntime-node version. */
  ortVersion: string;
}

// A 1-node Add model (opset 13), used to probe whether an EP initializes on this host.
const PROBE_MODEL_B64 =
  "CAc6QQoOCgF4CgF4EgF5IgNBZGQSBXByb2JlWhMKAXgSDgoMCAESCAoCCAEKAggEYhMKAXkSDgoMCAESCAoCCAEKAggEQgQKABAN";

/** Parses a user string into an {@link EpChoice}; throws `SamqError("invalid_argument")` otherwise. */
export function parseEpChoice(value: string): EpChoice {
  if ((EP_CHOICES as readonly string[]).includes(value)) return value as EpChoice;
  throw new SamqError(
    "invalid_argument",
    `Cannot use execution provider "${value}": expected one of ${EP_CHOICES.map((e) => `"${e}"`).join(", ")}`,
    { field: "ep" },
  );
}

function hasCudaLibrary(): boolean {
  const dir = ortBinaryDir();
  if (!dir) return false;
  try {
    Deno.statSync(join(dir, "libonnxruntime_providers_cuda.so"));
    return true;
  } catch {
    return false;
  }
}

/** True when the Vulkan loader can be opened (Dawn needs it for the WebGPU EP on Linux). */
function hasVulkanLoader(): boolean {
  try {
    const lib = Deno.dlopen("libvulkan.so.1", {});
    lib.close();
    return true;
  } catch {
    return false;
  }
}

async function probe(ep: ExecutionProvider): Promise<string | undefined> {
  // Without a Vulkan loader, Dawn prints a warning to stderr and finds no adapter: answer without asking.
  if (ep === "webgpu" && Deno.build.os === "linux" && !hasVulkanLoader()) {
    return "No supported adapters: the Vulkan loader libvulkan.so.1 is not installed";
  }
  const bytes = Uint8Array.from(atob(PROBE_MODEL_B64), (c) => c.charCodeAt(0));
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [ep],
      logSeverityLevel: 4,
    });
    await session.release();
    return undefined;
  } catch (e) {
    return (e as Error).message.split("\n").find((l) => l.trim() !== "")?.slice(0, 300) ?? String(e);
  }
}

const cache = new Map<EpChoice, Promise<ResolvedEp>>();

/** Resolves a choice to a working EP (memoized per process). */
export function resolveExecutionProvider(choice: EpChoice = "auto"): Promise<ResolvedEp> {
  let hit = cache.get(choice);
  if (!hit) {
    hit = resolveUncached(choice);
    cache.set(choice, hit);
    hit.catch(() => cache.delete(choice));
  }
  return hit;
}

async function resolveUncached(choice: EpChoice): Promise<ResolvedEp> {
  const ortVersion = ort.env.versions.node ?? "unknown";
  if (choice === "cpu") return { ep: "cpu", reason: "forced", ortVersion };
  if (choice === "cuda" || choice === "webgpu") {
    // ldd names every missing library (ORT's message names one, and it prints an error line when probed).
    const blocker = choice === "cuda"
      ? cudaBlocker(await diagnoseCuda(undefined, { hashes: false }))
      : undefined;
    const failure = blocker ?? await probe(choice);
    if (failure !== undefined) {
      const hint = choice === "cuda" ? " (or run with --ep webgpu or --ep cpu)" : "";
      throw new SamqError("unavailable", `Cannot use execution provider "${choice}": ${failure}${hint}`, {
        field: "ep",
      });
    }
    return { ep: choice, reason: "forced", ortVersion };
  }
  if (
    hasCudaLibrary() && cudaBlocker(await diagnoseCuda(undefined, { hashes: false })) === undefined &&
    (await probe("cuda")) === undefined
  ) {
    return { ep: "cuda", reason: "auto: CUDA provider library present", ortVersion };
  }
  if ((await probe("webgpu")) === undefined) {
    return { ep: "webgpu", reason: "auto: WebGPU adapter initialized", ortVersion };
  }
  return { ep: "cpu", reason: "auto: CUDA not loadable and no WebGPU adapter", ortVersion };
}
