/**
 * The environment part of an evaluation record (DESIGN §2 "Results"): samq version (`deno.json`
 * "version"), ONNX Runtime version, the execution provider and why it was chosen, the device (CPU model
 * and core count; for GPU providers the NVIDIA GPU name when the driver exposes it under `/proc`), Deno
 * version and OS. Reading `/proc` is best effort: a missing file gives "unknown", never an error.
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };
import type { ResolvedEp } from "../runtime/execution_provider.ts";

/** The `env` part of a record. */
export interface EvalEnv {
  /** samq version (deno.json). */
  samq: string;
  /** onnxruntime-node version. */
  ort: string;
  /** Execution provider used. */
  ep: string;
  /** How the EP was chosen ("forced" or the auto rule). */
  epReason: string;
  /** CPU model and core count, or the GPU name for GPU providers. */
  device: string;
  /** Deno version. */
  deno: string;
  /** OS and architecture, e.g. "linux-x86_64". */
  os: string;
}

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined; // best effort: /proc may be absent or unreadable
  }
}

function cpuName(): string {
  const info = readText("/proc/cpuinfo");
  const model = info?.split("\n").find((l) => l.startsWith("model name"))?.split(":")[1]?.trim();
  return `${model ?? "unknown CPU"} (${navigator.hardwareConcurrency} threads)`;
}

function nvidiaGpuName(): string | undefined {
  try {
    for (const e of Deno.readDirSync("/proc/driver/nvidia/gpus")) {
      const info = readText(`/proc/driver/nvidia/gpus/${e.name}/information`);
      const m = info?.split("\n").find((l) => l.startsWith("Model:"))?.slice(6).trim();
      if (m) return m;
    }
  } catch {
    return undefined; // no NVIDIA driver
  }
  return undefined;
}

/**
 * Describes where an evaluation runs.
 *
 * @param ep The resolved execution provider.
 * @returns The record's env part.
 */
export function describeEvalEnv(ep: ResolvedEp): EvalEnv {
  const gpu = ep.ep === "cpu" ? undefined : nvidiaGpuName();
  return {
    samq: String((denoJson as { version?: string }).version ?? "unknown"),
    ort: ep.ortVersion,
    ep: ep.ep,
    epReason: ep.reason,
    device: gpu ?? (ep.ep === "cpu" ? cpuName() : `unknown GPU (host CPU: ${cpuName()})`),
    deno: Deno.version.deno,
    os: `${Deno.build.os}-${Deno.build.arch}`,
  };
}
