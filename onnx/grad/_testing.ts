/**
 * Gradient checks for tests (internal): build a small forward graph, differentiate it with
 * {@link buildGradientGraph}, run the gradient graph in ONNX Runtime and compare every gradient element
 * with a central finite difference of the forward loss, also run in ONNX Runtime.
 *
 * The loss is L = Σ_k Σ y_k ⊙ R_k over the built outputs y_k, with seeded random weights R_k in [−1, 1),
 * so that every output element gets a distinct, non-trivial weight.
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { attr } from "../ir/attribute.ts";
import type { DataType } from "../ir/dtype.ts";
import { Graph } from "../ir/graph.ts";
import { type Tensor, Variable } from "../ir/tensor.ts";
import { encodeModel } from "../io/write_model.ts";
import { createPrng } from "../../util/prng.ts";
import { buildGradientGraph } from "./build_gradient_graph.ts";

/** One input of a checked graph. */
export interface CheckInput {
  dims: number[];
  /** Values; default seeded uniform in [lo, hi). */
  values?: readonly number[];
  /** Differentiate with respect to this input. @default true for float inputs */
  wrt?: boolean;
  /** Input dtype; default the case's float dtype. */
  dtype?: "int64" | "bool";
  /** @default -1 */
  lo?: number;
  /** @default 1 */
  hi?: number;
}

/** A gradient-check case. */
export interface CheckCase {
  dtype: "float32" | "float64";
  /** @default 17 */
  opset?: number;
  inputs: Record<string, CheckInput>;
  /** Adds the forward nodes; returns the output(s) the loss weighs. */
  build: (g: Graph, x: Record<string, Variable>) => Tensor | Tensor[];
  /** Forward graph for the finite differences when it differs (the STE surrogate). Default: `build`. */
  reference?: (g: Graph, x: Record<string, Variable>) => Tensor | Tensor[];
  /** Step of the central difference. @default 1e-6 (float64), 1e-2 (float32) */
  h?: number;
  /** @default 1e-6 (float64), 2e-2 (float32) */
  rtol?: number;
  /** @default 1e-8 (float64), 2e-3 (float32) */
  atol?: number;
  /** @default 1 */
  seed?: number;
}

/** What a check compared. */
export interface CheckReport {
  /** Gradient elements compared. */
  checked: number;
  /** Largest |analytic − numeric|. */
  maxAbsError: number;
  /** The analytic gradients by input name. */
  analytic: Record<string, number[]>;
}

type Feeds = Record<string, ort.Tensor>;

/**
 * Runs the check and throws an `Error` listing the first mismatches when any element differs by more
 * than atol + rtol·|numeric|.
 */
export async function gradCheck(c: CheckCase): Promise<CheckReport> {
  const f64 = c.dtype === "float64";
  const h = c.h ?? (f64 ? 1e-6 : 1e-2);
  const rtol = c.rtol ?? (f64 ? 1e-6 : 2e-2);
  const atol = c.atol ?? (f64 ? 1e-8 : 2e-3);
  const prng = createPrng(c.seed ?? 1);
  const values: Record<string, number[]> = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    const n = spec.dims.reduce((a, b) => a * b, 1);
    const lo = spec.lo ?? -1;
    const hi = spec.hi ?? 1;
    values[name] = spec.values
      ? [...spec.values]
      : Array.from({ length: n }, () => lo + (hi - lo) * prng.next());
  }
  const wrt = Object.entries(c.inputs).filter(([, s]) => s.dtype === undefined && s.wrt !== false).map((
    [n],
  ) => n);
  const forward = await lossGraph(c, c.build, values, prng.next() * 1e9);
  const reference = c.reference ? await lossGraph(c, c.reference, values, 0, forward.weights) : forward;
  const grad = await buildGradientGraph(forward.graph, { loss: "loss", wrt });
  const gradSession = await ort.InferenceSession.create(encodeModel(grad), { executionProviders: ["cpu"] });
  // No fusions on the reference side: ORT 1.29 fuses a decomposed float64 LayerNorm into a kernel whose
  // result differs by ~1e-5 relative, which finite differences would take for a wrong gradient.
  const refSession = await ort.InferenceSession.create(encodeModel(reference.graph), {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "disabled",
  });
  try {
    const out = await gradSession.run(feedsOf(c, values));
    const analytic: Record<string, number[]> = {};
    const problems: string[] = [];
    let checked = 0;
    let maxAbsError = 0;
    for (const name of wrt) {
      const a = Array.from(out[`grad/${name}`]!.data as Float64Array);
      analytic[name] = a;
      for (let i = 0; i < a.length; i++) {
        const plus = structuredClone(values);
        const minus = structuredClone(values);
        plus[name]![i]! += h;
        minus[name]![i]! -= h;
        const lp = await lossOf(refSession, feedsOf(c, plus));
        const lm = await lossOf(refSession, feedsOf(c, minus));
        const numeric = f64
          ? (lp - lm) / (2 * h)
          : (lp - lm) / (Math.fround(values[name]![i]! + h) - Math.fround(values[name]![i]! - h));
        const err = Math.abs(a[i]! - numeric);
        maxAbsError = Math.max(maxAbsError, err);
        checked++;
        if (!(err <= atol + rtol * Math.abs(numeric))) {
          problems.push(`${name}[${i}]: analytic ${a[i]} vs numeric ${numeric}`);
        }
      }
    }
    if (problems.length > 0) {
      throw new Error(
        `Gradient check failed (${problems.length}/${checked}):\n${problems.slice(0, 8).join("\n")}`,
      );
    }
    return { checked, maxAbsError, analytic };
  } finally {
    await gradSession.release();
    await refSession.release();
  }
}

async function lossOf(session: ort.InferenceSession, feeds: Feeds): Promise<number> {
  const out = await session.run(feeds);
  return Number(out["loss"]!.data[0]);
}

function feedsOf(c: CheckCase, values: Record<string, number[]>): Feeds {
  const feeds: Feeds = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    const v = values[name]!;
    if (spec.dtype === "int64") {
      feeds[name] = new ort.Tensor("int64", BigInt64Array.from(v, BigInt), spec.dims);
    } else if (spec.dtype === "bool") feeds[name] = new ort.Tensor("bool", Uint8Array.from(v), spec.dims);
    else if (c.dtype === "float64") feeds[name] = new ort.Tensor("float64", Float64Array.from(v), spec.dims);
    else feeds[name] = new ort.Tensor("float32", Float32Array.from(v), spec.dims);
  }
  return feeds;
}

/** The forward graph with L = Σ y ⊙ R appended (R seeded, or the given weights). */
async function lossGraph(
  c: CheckCase,
  build: CheckCase["build"],
  values: Record<string, number[]>,
  seed: number,
  weights?: Float64Array[],
): Promise<{ graph: Graph; weights: Float64Array[] }> {
  const inputs: Record<string, Variable> = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    inputs[name] = new Variable(name, (spec.dtype ?? c.dtype) as DataType, [...spec.dims]);
  }
  const g = new Graph({ opset: { "": c.opset ?? 17 }, inputs: Object.values(inputs) });
  const built = build(g, inputs);
  const ys = Array.isArray(built) ? built : [built];
  // Shapes of the outputs from one run.
  g.outputs = ys;
  const s = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ["cpu"] });
  const res = await s.run(feedsOf(c, values));
  await s.release();
  const prng = createPrng(seed);
  const w = ys.map((y, k) => {
    const n = res[y.name]!.data.length;
    return weights?.[k] ?? Float64Array.from({ length: n }, () => 2 * prng.next() - 1);
  });
  const terms = ys.map((y, k) => {
    const dims = [...res[y.name]!.dims];
    if (y.kind === "variable") {
      y.shape = dims;
      y.dtype = c.dtype;
    }
    const r = g.addConstant(
      "weights",
      c.dtype === "float64" ? w[k]! : Float32Array.from(w[k]!),
      dims,
      c.dtype,
    );
    const prod = g.addNode("Mul", [y, r]).outputs[0]!;
    return g.addNode("ReduceSum", [prod], { keepdims: attr.int(0) }).outputs[0]!;
  });
  const loss = new Variable("loss", c.dtype, []);
  if (terms.length === 1) g.addNode("Identity", terms, {}, { outputs: [loss] });
  else g.addNode("Sum", terms, {}, { outputs: [loss] });
  g.outputs = [loss];
  return { graph: g, weights: w };
}
