/**
 * One forward run of a graph at build time (internal): the feeds it uses and the capture of small
 * shape-derived tensors' values (pads, axes, indices computed from `Shape` nodes).
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../ir/graph.ts";
import type { Constant, Variable } from "../ir/tensor.ts";
import { encodeModel } from "../io/write_model.ts";

/**
 * Feeds for every input of `graph`: the caller's, else the values of `promoted` initializers (parameters
 * turned into inputs), else zeros, which need a static shape and a known numeric dtype.
 */
export function forwardFeeds(
  graph: Graph,
  given: Record<string, ort.Tensor>,
  promoted: ReadonlyMap<string, Constant>,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of graph.inputs) {
    const g = given[t.name];
    const c = promoted.get(t.name);
    if (g !== undefined) feeds[t.name] = g;
    else if (c !== undefined) {
      feeds[t.name] = new ort.Tensor(c.dtype as "float32", c.values() as Float32Array, c.dims);
    } else feeds[t.name] = zeros(t);
  }
  return feeds;
}

function zeros(t: Variable): ort.Tensor {
  if (!t.isStatic || t.dtype === undefined) {
    throw new SamqError(
      "invalid_argument",
      `Cannot build the gradient graph: input "${t.name}" has shape [${
        t.shape?.map((d) => d ?? "?").join(",") ?? "?"
      }]; fix it with fixInputShapes() or pass feeds`,
      { field: t.name },
    );
  }
  const dims = t.shape as number[];
  const n = dims.reduce((a, b) => a * b, 1);
  switch (t.dtype) {
    case "float32":
      return new ort.Tensor("float32", new Float32Array(n), dims);
    case "float64":
      return new ort.Tensor("float64", new Float64Array(n), dims);
    case "int64":
      return new ort.Tensor("int64", new BigInt64Array(n), dims);
    case "int32":
      return new ort.Tensor("int32", new Int32Array(n), dims);
    case "bool":
      return new ort.Tensor("bool", new Uint8Array(n), dims);
    default:
      throw new SamqError(
        "invalid_argument",
        `Cannot build the gradient graph: no zero feed for input "${t.name}" of dtype "${t.dtype}"; pass feeds`,
        { field: t.name },
      );
  }
}

/** Values of `tensors` (as JS numbers) from one CPU run of `graph` with them as extra outputs. */
export async function captureValues(
  graph: Graph,
  tensors: readonly Variable[],
  feeds: Record<string, ort.Tensor>,
): Promise<Map<Variable, number[]>> {
  const out = new Map<Variable, number[]>();
  if (tensors.length === 0) return out;
  const original = graph.outputs;
  let bytes: Uint8Array;
  try {
    graph.outputs = [...original, ...tensors.filter((t) => !original.includes(t))];
    bytes = encodeModel(graph);
  } finally {
    graph.outputs = original;
  }
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ["cpu"],
    logSeverityLevel: 3,
  });
  try {
    const res = await session.run(feeds, tensors.map((t) => t.name));
    for (const t of tensors) {
      const v = res[t.name];
      if (v !== undefined) out.set(t, Array.from(v.data as ArrayLike<number | bigint>, Number));
    }
  } finally {
    await session.release();
  }
  return out;
}
