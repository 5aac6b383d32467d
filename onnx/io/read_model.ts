/**
 * Reading ONNX models into the IR.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { Graph } from "../ir/graph.ts";
import type { Model } from "../ir/model.ts";
import { toposortGraph } from "../ir/toposort.ts";
import { graphFromProto } from "./_import.ts";
import type { ModelP } from "./_proto_types.ts";
import { num } from "./_proto_types.ts";
import { modelProtoType, onnxRoot } from "./_schema.ts";

/**
 * Reads an ONNX model file. Initializers stay lazy: in-file values are viewed on first access, and
 * external-data files (paths relative to the model's folder) are read with offset/length only when a
 * constant's values are touched.
 *
 * Throws `SamqError` `not_found` for a missing file and `invalid_model` for a file that is not a valid
 * ONNX model (truncated, corrupt, dangling tensor references), naming the file.
 */
export async function readModel(path: string): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot read "${path}": file does not exist`, { path, cause: e });
    }
    throw new SamqError("io", `Cannot read "${path}": ${(e as Error).message}`, { path, cause: e });
  }
  return decodeModel(bytes, path);
}

/**
 * Decodes ONNX model bytes. `path` names the source in errors and anchors external-data locations
 * (default: a model in the working directory).
 */
export function decodeModel(bytes: Uint8Array, path = "<memory>"): Model {
  let mp: ModelP;
  try {
    mp = modelProtoType().decode(bytes) as unknown as ModelP;
  } catch (e) {
    throw new SamqError(
      "invalid_model",
      `Cannot read "${path}": not a valid ONNX model (${(e as Error).message})`,
      {
        path,
        cause: e,
      },
    );
  }
  if (!mp.graph || num(mp.ir_version) <= 0) {
    throw new SamqError(
      "invalid_model",
      `Cannot read "${path}": not a valid ONNX model (no graph or IR version)`,
      {
        path,
      },
    );
  }
  const opset: Record<string, number> = {};
  for (const o of mp.opset_import) opset[o.domain === "ai.onnx" ? "" : o.domain] = num(o.version);
  const ctx = { path, baseDir: dirname(resolve(path)) };
  const graph = graphFromProto(mp.graph, ctx, opset);
  assertAcyclic(graph, path);
  const fn = onnxRoot().lookupType("onnx.FunctionProto");
  const ti = onnxRoot().lookupType("onnx.TrainingInfoProto");
  return {
    graph,
    irVersion: num(mp.ir_version),
    producerName: mp.producer_name,
    producerVersion: mp.producer_version,
    domain: mp.domain,
    modelVersion: num(mp.model_version),
    docString: mp.doc_string,
    metadata: mp.metadata_props.map((e) => [e.key, e.value]),
    // deno-lint-ignore no-explicit-any
    functions: mp.functions.map((f) => fn.encode(f as any).finish()),
    // deno-lint-ignore no-explicit-any
    trainingInfo: mp.training_info.map((t) => ti.encode(t as any).finish()),
    path,
  };
}

/** A cycle is an input error that passes would otherwise hit much later, far from the file's name. */
function assertAcyclic(graph: Graph, path: string): void {
  try {
    // Sorting a copy of the node list keeps the file's node order in the model read.
    toposortGraph(new Graph({ name: graph.name, nodes: graph.nodes.slice() }));
  } catch (e) {
    if (!(e instanceof SamqError)) throw e;
    throw new SamqError(
      "invalid_model",
      `Cannot read "${path}": ${e.message.replace(/^Cannot sort graph "[^"]*": it/, "the graph")}`,
      {
        path,
        ...(e.field === undefined ? {} : { field: e.field }),
        cause: e,
      },
    );
  }
}
