/**
 * Runs a gradient graph (from `buildGradientGraph`) in ONNX Runtime: feeds parameters and a batch,
 * returns the loss and the gradient of each parameter (`grad/<name>` outputs).
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createSession, type SessionOptions } from "../../runtime/session.ts";
import type { TrainParam } from "./train_checkpoint.ts";

/** Input feeds by name. */
export type Feeds = Record<string, ort.Tensor>;

/** Loss and gradients of one run. */
export interface GradientResult {
  loss: number;
  /** ∂loss/∂p by parameter name, in the parameter's precision. */
  grads: Record<string, Float32Array | Float64Array>;
}

/** Wraps an inference session over a gradient graph. */
export class GradientRunner {
  readonly session: ort.InferenceSession;
  /** The loss output (the graph's first output unless given). */
  readonly lossName: string;

  constructor(session: ort.InferenceSession, lossName?: string) {
    this.session = session;
    this.lossName = lossName ?? session.outputNames[0]!;
  }

  /** A runner for `graph` on the chosen execution provider (default CPU). */
  static async create(graph: Graph, options: SessionOptions = {}): Promise<GradientRunner> {
    const session = await createSession(encodeModel(graph), options);
    return new GradientRunner(session, graph.outputs[0]?.name);
  }

  /**
   * Runs the graph with `params` (fed as inputs of their names) and `feeds`. Throws `invalid_argument`
   * naming a parameter without a `grad/<name>` output.
   */
  async run(params: Readonly<Record<string, TrainParam>>, feeds: Feeds): Promise<GradientResult> {
    const inputs: Feeds = { ...feeds };
    const fetches = [this.lossName];
    for (const [name, p] of Object.entries(params)) {
      if (!this.session.outputNames.includes(`grad/${name}`)) {
        throw new SamqError(
          "invalid_argument",
          `Cannot train "${name}": the gradient graph has no output "grad/${name}"`,
          {
            field: name,
          },
        );
      }
      inputs[name] = p.data instanceof Float64Array
        ? new ort.Tensor("float64", p.data, p.dims)
        : new ort.Tensor("float32", p.data, p.dims);
      fetches.push(`grad/${name}`);
    }
    const out = await this.session.run(inputs, fetches);
    const grads: Record<string, Float32Array | Float64Array> = {};
    for (const name of Object.keys(params)) {
      grads[name] = out[`grad/${name}`]!.data as Float32Array | Float64Array;
    }
    return { loss: Number(out[this.lossName]!.data[0]), grads };
  }

  /** Releases the session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
