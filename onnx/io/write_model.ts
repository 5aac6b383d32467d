/**
 * Writing the IR as ONNX, with large initializers optionally in an external-data file (needed past the
 * 2 GB protobuf limit, e.g. SAM-H).
 *
 * @module
 */
import { basename, dirname, isAbsolute, join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import { writeFileAtomic } from "../../util/fs.ts";
import { bytesOfValues } from "../ir/dtype.ts";
import { Graph } from "../ir/graph.ts";
import { createModel, type Model } from "../ir/model.ts";
import type { Constant } from "../ir/tensor.ts";
import { type ExternalSink, graphToProto } from "./_export.ts";
import { i64 } from "./_proto_types.ts";
import { modelProtoType, onnxRoot } from "./_schema.ts";

/** Options of {@link writeModel}. */
export interface WriteModelOptions {
  /**
   * Put initializers of at least `threshold` bytes into the file `location` (relative to the model's
   * folder; default `<model file name>.data`). Absent: everything inline.
   */
  externalData?: { threshold: number; location?: string };
}

/** Byte alignment of tensors in external-data files (page size for ≥ 1 MiB, so they can be mapped). */
function alignment(length: number): number {
  return length >= 1 << 20 ? 4096 : 64;
}

/**
 * Writes a model (or a bare graph, wrapped with {@link createModel}) to `path`, atomically (temporary
 * names, then rename). Returns the paths written.
 */
export async function writeModel(
  modelOrGraph: Model | Graph,
  path: string,
  options: WriteModelOptions = {},
): Promise<string[]> {
  const model = modelOrGraph instanceof Graph ? createModel(modelOrGraph) : modelOrGraph;
  const ext = options.externalData;
  if (ext === undefined) {
    await writeFileAtomic(path, encodeModel(model));
    return [path];
  }
  const location = ext.location ?? `${basename(path)}.data`;
  if (isAbsolute(location) || location.split(/[\\/]/).includes("..")) {
    throw new SamqError(
      "invalid_argument",
      `Cannot write "${path}": external data location "${location}" must be relative`,
      {
        path,
        field: "externalData.location",
      },
    );
  }
  const dataPath = join(dirname(path), location);
  const tmp = `${dataPath}.${Deno.pid}.${Date.now()}.tmp`;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    let offset = 0;
    const pending: Uint8Array[] = [];
    const sink: ExternalSink = (c: Constant) => {
      if (c.dtype === "string") return undefined;
      const bytes = bytesOfValues(c.peekValues());
      if (bytes.length < ext.threshold || bytes.length === 0) return undefined;
      const pad = (alignment(bytes.length) - (offset % alignment(bytes.length))) % alignment(bytes.length);
      if (pad > 0) pending.push(new Uint8Array(pad));
      pending.push(bytes);
      const ref = { location, offset: offset + pad, length: bytes.length };
      offset += pad + bytes.length;
      writeAllSync(file!, pending);
      pending.length = 0;
      return ref;
    };
    const bytes = encodeModel(model, sink);
    file.close();
    file = undefined;
    await Deno.rename(tmp, dataPath);
    await writeFileAtomic(path, bytes);
  } catch (e) {
    file?.close();
    await Deno.remove(tmp).catch(() => undefined);
    if (e instanceof SamqError) throw e;
    throw new SamqError("io", `Cannot write "${path}": ${(e as Error).message}`, { path, cause: e });
  }
  return [path, dataPath];
}

function writeAllSync(file: Deno.FsFile, chunks: Uint8Array[]): void {
  for (const chunk of chunks) {
    let done = 0;
    while (done < chunk.length) done += file.writeSync(chunk.subarray(done));
  }
}

/**
 * Serializes a model (or bare graph) to ONNX bytes, all values inline unless `sink` sends initializers
 * elsewhere. Handy for `ort.InferenceSession.create(bytes)` (inline bytes must stay under 2 GB).
 */
export function encodeModel(modelOrGraph: Model | Graph, sink?: ExternalSink): Uint8Array {
  const model = modelOrGraph instanceof Graph ? createModel(modelOrGraph) : modelOrGraph;
  const fn = onnxRoot().lookupType("onnx.FunctionProto");
  const ti = onnxRoot().lookupType("onnx.TrainingInfoProto");
  const proto = {
    ir_version: i64(model.irVersion),
    opset_import: Object.entries(model.graph.opset).map(([domain, version]) => ({
      domain,
      version: i64(version),
    })),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    domain: model.domain,
    model_version: i64(model.modelVersion),
    doc_string: model.docString,
    graph: graphToProto(model.graph, sink, model.irVersion < 4),
    metadata_props: model.metadata.map(([key, value]) => ({ key, value })),
    functions: model.functions.map((b) => fn.decode(b)),
    training_info: model.trainingInfo.map((b) => ti.decode(b)),
  };
  return modelProtoType().encode(proto).finish();
}
