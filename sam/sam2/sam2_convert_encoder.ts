/**
 * ORT-format model (`.ort`, flatbuffers, as shipped for onnxruntime-web) → standard ONNX.
 *
 * ONNX Runtime serializes the graph it loaded when the session option `optimizedModelFilePath` is set;
 * with graph optimizations disabled the result is the stored graph itself, as plain ONNX. ORT then lists
 * every operator domain it knows in `opset_import` (`com.microsoft.nchwc`, `org.pytorch.aten`, …) even
 * though no node uses them; those unused imports are dropped so that other tools see a plain
 * default-domain graph. The file is written through samq's own ONNX writer, atomically, so the
 * equivalence check that follows the conversion also covers that round trip.
 *
 * @module
 */
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { readModel } from "../../onnx/io/read_model.ts";
import { writeModel } from "../../onnx/io/write_model.ts";
import type { GraphSummary } from "../../onnx/ir/summary.ts";

/** What the converted graph must look like (checked after conversion). */
export interface OrtConversionExpectation {
  /** Default-domain opset. */
  opset: number;
  /** Operator → exact node count, for the operators listed. */
  ops: Readonly<Record<string, number>>;
  /** Exact number of initializer elements. */
  parameters: number;
}

/** The file identifier of ORT-format models (flatbuffers `file_identifier`, bytes 4..8). */
const ORT_MAGIC = "ORTM";

/** True when `bytes` start like an ORT-format (flatbuffers) model. */
export function isOrtFormat(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(4, 8)) === ORT_MAGIC;
}

/**
 * Converts an ORT-format model file to an ONNX file and checks the result.
 *
 * @param ortPath The `.ort` file (the extension tells ONNX Runtime the format).
 * @param onnxPath Where to write the ONNX model (atomically).
 * @param expect Optional census the converted graph must match exactly.
 * @returns The summary of the converted graph (op census, parameter count, opset).
 * @throws {SamqError} `invalid_model` (path = ortPath) when the file is not an ORT-format model or ONNX
 *   Runtime cannot load it; `incompatible` (path = onnxPath, field = the op or "opset"/"parameters") when
 *   the converted graph uses non-default domains or differs from `expect`.
 */
export async function convertOrtToOnnx(
  ortPath: string,
  onnxPath: string,
  expect?: OrtConversionExpectation,
): Promise<GraphSummary> {
  const head = new Uint8Array(8);
  const file = await Deno.open(ortPath, { read: true });
  try {
    await file.read(head);
  } finally {
    file.close();
  }
  if (!isOrtFormat(head)) {
    throw new SamqError(
      "invalid_model",
      `Cannot convert "${ortPath}": not an ORT-format model (no "${ORT_MAGIC}" identifier)`,
      { path: ortPath },
    );
  }
  const raw = join(dirname(onnxPath), `.ort-export-${Deno.pid}-${Date.now()}.onnx`);
  try {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(ortPath, {
        graphOptimizationLevel: "disabled",
        optimizedModelFilePath: raw,
        logSeverityLevel: 3,
      });
    } catch (e) {
      const first = String((e as Error).message ?? e).split("\n")[0]?.slice(0, 300);
      throw new SamqError("invalid_model", `Cannot convert "${ortPath}": ${first}`, {
        path: ortPath,
        cause: e,
      });
    }
    await session.release();
    const model = await readModel(raw);
    const graph = model.graph;
    const used = new Set(graph.nodes.map((n) => (n.domain === "ai.onnx" ? "" : n.domain)));
    const foreign = [...used].filter((d) => d !== "");
    if (foreign.length > 0) {
      throw new SamqError(
        "incompatible",
        `Cannot convert "${ortPath}": the graph uses non-standard domains ${foreign.join(", ")}`,
        { path: onnxPath, field: "opset" },
      );
    }
    for (const d of Object.keys(graph.opset)) if (d !== "" && !used.has(d)) delete graph.opset[d];
    const summary = graph.summary();
    if (expect) checkExpectation(summary, expect, onnxPath);
    await writeModel(model, onnxPath);
    return summary;
  } finally {
    await Deno.remove(raw).catch(() => undefined);
  }
}

function checkExpectation(summary: GraphSummary, expect: OrtConversionExpectation, path: string): void {
  const fail = (field: string, what: string): never => {
    throw new SamqError("incompatible", `Cannot use the converted encoder "${path}": ${what}`, {
      path,
      field,
    });
  };
  const opset = summary.opset[""] ?? 0;
  if (opset !== expect.opset) fail("opset", `default-domain opset is ${opset}, expected ${expect.opset}`);
  for (const [op, count] of Object.entries(expect.ops)) {
    const got = summary.opCensus[op] ?? 0;
    if (got !== count) fail(op, `${got} ${op} nodes, expected ${count}`);
  }
  if (summary.parameterCount !== expect.parameters) {
    fail("parameters", `${summary.parameterCount} parameters, expected ${expect.parameters}`);
  }
}
