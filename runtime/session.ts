/**
 * ONNX Runtime session factory: one place that maps file problems to `SamqError`s and applies the
 * chosen execution provider.
 *
 * Two environment switches apply to every session, for measurements on GPU hosts:
 * `SAMQ_DISABLE_CPU_FALLBACK=1` makes a session fail instead of placing a node on the CPU (placement
 * check), and `SAMQ_ORT_PROFILE=DIR` writes ONNX Runtime's per-node profile of each session into DIR.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { SamqError } from "../util/errors.ts";
import type { ExecutionProvider } from "./execution_provider.ts";

/** Options for {@link createSession}. */
export interface SessionOptions {
  /** Execution provider. @default "cpu" */
  ep?: ExecutionProvider;
  /** Fail instead of running unsupported nodes on the CPU (GPU placement checks). @default false */
  disableCpuFallback?: boolean;
  /** Intra-op threads for the CPU EP; 0 lets ORT decide. @default 0 */
  intraOpThreads?: number;
  /** Graph optimization level. @default "all" */
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
}

/** Creates an inference session from a file path or model bytes. */
export async function createSession(
  model: string | Uint8Array,
  options: SessionOptions = {},
): Promise<ort.InferenceSession> {
  const { ep = "cpu", disableCpuFallback = false, intraOpThreads = 0, graphOptimizationLevel = "all" } =
    options;
  const label = typeof model === "string" ? model : "<in-memory model>";
  if (typeof model === "string") {
    try {
      const st = await Deno.stat(model);
      if (!st.isFile) throw new Deno.errors.NotFound();
      if (st.size === 0) {
        throw new SamqError("invalid_model", `Cannot load model "${label}": the file is empty`, {
          path: label,
        });
      }
    } catch (e) {
      if (e instanceof SamqError) throw e;
      throw new SamqError("not_found", `Cannot load model "${label}": file does not exist`, {
        path: label,
        cause: e,
      });
    }
  }
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel,
    logSeverityLevel: 3,
  };
  if (intraOpThreads > 0) opts.intraOpNumThreads = intraOpThreads;
  if (disableCpuFallback || envFlag("SAMQ_DISABLE_CPU_FALLBACK")) {
    opts.extra = { session: { disable_cpu_ep_fallback: "1" } };
  }
  const profileDir = envValue("SAMQ_ORT_PROFILE");
  if (profileDir !== undefined) {
    // ORT writes one Chrome-trace JSON per session when it is released (tools/ort_profile_summary.py reads them).
    await Deno.mkdir(profileDir, { recursive: true });
    opts.enableProfiling = true;
    opts.profileFilePrefix = `${profileDir}/${profileLabel(label)}`;
  }
  try {
    // deno-lint-ignore no-explicit-any
    return await ort.InferenceSession.create(model as any, opts);
  } catch (e) {
    const first = String((e as Error).message ?? e).split("\n")[0]?.slice(0, 300);
    throw new SamqError("invalid_model", `Cannot load model "${label}": ${first}`, { path: label, cause: e });
  }
}

function envValue(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function envFlag(name: string): boolean {
  const v = envValue(name);
  return v !== undefined && v !== "0";
}

let profiled = 0;
function profileLabel(label: string): string {
  const base = label.split("/").pop()!.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/\.onnx$/, "");
  return `${String(++profiled).padStart(3, "0")}-${base}`;
}

/** Wraps a Float32Array as an ORT tensor. */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims as number[]);
}

/** Wraps a BigInt64Array (int64) as an ORT tensor. */
export function int64Tensor(data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int64", data, dims as number[]);
}

/** Reads a float32 output, checking it exists and has the expected type. */
export function readFloatOutput(out: ort.InferenceSession.OnnxValueMapType, name: string): ort.Tensor & {
  data: Float32Array;
} {
  const t = out[name] as ort.Tensor | undefined;
  if (!t || t.type !== "float32") {
    throw new SamqError("invalid_model", `Cannot read output "${name}": missing or not float32`, {
      field: name,
    });
  }
  return t as ort.Tensor & { data: Float32Array };
}
