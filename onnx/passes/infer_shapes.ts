/**
 * Shape capture: run the graph once in ONNX Runtime (CPU) with intermediate tensors exposed as extra
 * outputs, and record their dtypes and shapes on the IR.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import type { DataType } from "../ir/dtype.ts";
import type { Graph } from "../ir/graph.ts";
import { Variable } from "../ir/tensor.ts";
import { encodeModel } from "../io/write_model.ts";

/** Options of {@link inferShapes}. */
export interface InferShapesOptions {
  /**
   * Input values. Default: zeros for every input, which then needs a fully static shape
   * (see `fixInputShapes`). Pass real-looking feeds when zeros are not valid (e.g. SAM's `orig_im_size`).
   */
  feeds?: Record<string, ort.Tensor>;
  /**
   * Which tensors to capture: `"shape-inputs"` (inputs of `Shape`/`Size` nodes, what `foldConstants`
   * needs), `"unknown"` (node outputs without a static shape) or `"all"` (every node output).
   * @default "shape-inputs"
   */
  tensors?: "shape-inputs" | "unknown" | "all" | string[];
  /**
   * Tensors captured per ONNX Runtime run; lower it to bound memory on large graphs.
   * @default 256
   */
  chunkSize?: number;
}

/** What {@link inferShapes} did. */
export interface InferShapesReport {
  /** Tensors whose dtype and shape were recorded. */
  captured: number;
  /** ONNX Runtime runs. */
  runs: number;
}

/**
 * Records dtype and static shape on the selected variables by running the graph in ONNX Runtime.
 * The graph is left as it was apart from those annotations.
 */
export async function inferShapes(
  graph: Graph,
  options: InferShapesOptions = {},
): Promise<InferShapesReport> {
  const feeds = options.feeds ?? zeroFeeds(graph);
  const targets = selectTargets(graph, options.tensors ?? "shape-inputs");
  const chunk = Math.max(1, options.chunkSize ?? 256);
  const original = graph.outputs;
  let runs = 0;
  let captured = 0;
  for (let i = 0; i < targets.length; i += chunk) {
    const part = targets.slice(i, i + chunk).filter((t) => !original.includes(t));
    if (part.length === 0) continue;
    let bytes: Uint8Array;
    try {
      graph.outputs = [...original, ...part];
      bytes = encodeModel(graph);
    } finally {
      graph.outputs = original;
    }
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
    try {
      const res = await session.run(feeds, part.map((t) => t.name));
      runs++;
      for (const t of part) {
        const v = res[t.name];
        if (v === undefined) continue;
        t.dtype = v.type as DataType;
        t.shape = [...v.dims];
        captured++;
      }
    } finally {
      await session.release();
    }
  }
  return { captured, runs };
}

function selectTargets(graph: Graph, which: NonNullable<InferShapesOptions["tensors"]>): Variable[] {
  if (Array.isArray(which)) {
    const map = graph.tensors();
    return which.map((n) => map.get(n)).filter((t): t is Variable => t instanceof Variable && !t.isEmpty);
  }
  const out = new Set<Variable>();
  for (const n of graph.nodes) {
    if (which === "shape-inputs") {
      const x = n.inputs[0];
      if ((n.op === "Shape" || n.op === "Size") && x instanceof Variable && !x.isStatic && x.producer) {
        out.add(x);
      }
      continue;
    }
    for (const t of n.outputs) if (!t.isEmpty && (which === "all" || !t.isStatic)) out.add(t);
  }
  return [...out];
}

function zeroFeeds(graph: Graph): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of graph.inputs) {
    if (!t.isStatic || t.dtype === undefined) {
      throw new SamqError(
        "invalid_argument",
        `Cannot infer shapes: input "${t.name}" has shape [${
          t.shape?.map((d) => d ?? "?").join(",") ?? "?"
        }]; ` +
          `fix it with fixInputShapes() or pass feeds`,
        { field: t.name },
      );
    }
    const dims = t.shape as number[];
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[t.name] = zeroTensor(t.dtype, n, dims);
  }
  return feeds;
}

function zeroTensor(dtype: DataType, n: number, dims: number[]): ort.Tensor {
  switch (dtype) {
    case "float32":
      return new ort.Tensor("float32", new Float32Array(n), dims);
    case "int64":
      return new ort.Tensor("int64", new BigInt64Array(n), dims);
    case "int32":
      return new ort.Tensor("int32", new Int32Array(n), dims);
    case "bool":
      return new ort.Tensor("bool", new Uint8Array(n), dims);
    case "float64":
      return new ort.Tensor("float64", new Float64Array(n), dims);
    default:
      throw new SamqError(
        "invalid_argument",
        `Cannot infer shapes: no zero feed for dtype "${dtype}"; pass feeds`,
      );
  }
}
