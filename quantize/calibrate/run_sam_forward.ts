/**
 * Runs a SAM model (encoder, and optionally the decoder on each image's prompts) over images with extra
 * graph outputs (taps), handing every run's outputs to a visitor. The decoder is fed by the model's
 * layout (`sam/adapters/*_layout.ts`, what its adapter runs): the encoder outputs it reads and the prompt
 * packing are the predictor's, for every layout. Box prompts a decoder cannot take are skipped
 * (`decoderTakesPrompt`). Calibration feeds taps to
 * observers; the audit checks quantizer outputs and compares float graphs. Nothing is kept between images,
 * so memory is bounded by one image's taps however many images run.
 *
 * The graphs are not modified: taps are added to a copy of the output list for serialization only.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import { createSession } from "../../runtime/session.ts";
import type { SamConfig } from "../../sam/model_dir.ts";
import type { Tensor } from "../../onnx/ir/tensor.ts";
import type { CalibrationImage, CalibrationPrompt } from "./calibration_set.ts";
import { appendTapReduction, type TapReduction } from "./tap_reduction.ts";
import { decoderFeeds, decoderTakesPrompt, encoderFeed } from "./sam_feeds.ts";
import { layoutOf } from "../../sam/adapters/layout_of.ts";
import { NO_PROGRESS, type ProgressFn, type QuantizePhase } from "./progress.ts";

/** Outputs of one run: graph outputs by name, taps by their key. */
export type RunOutputs = Record<string, ort.Tensor>;

/** A reduction built by the caller: appends nodes reading `x` and returns the tensor to output. */
export type CustomReduction = (graph: Graph, x: Tensor, id: string) => Tensor;

/** One tap: expose `tensor` (reduced in the graph, see `tap_reduction.ts`) under `key`. */
export interface TapSpec {
  key: string;
  tensor: string;
  /** @default { kind: "full" } */
  reduce?: TapReduction | CustomReduction;
}

/** Called after each run. */
export interface ForwardVisitor {
  encoder?(outputs: RunOutputs, image: CalibrationImage): void;
  decoder?(outputs: RunOutputs, image: CalibrationImage, prompt: CalibrationPrompt): void;
}

/** Options of {@link runSamForward}. */
export interface SamForwardOptions {
  /** The model's `sam.json` (input size, pixel statistics, resize rule, format). */
  config: SamConfig;
  /** Taps per graph. @default none */
  taps?: { encoder?: readonly TapSpec[]; decoder?: readonly TapSpec[] };
  /** Execution provider. @default "cpu" */
  ep?: ExecutionProvider;
  /** Progress phase to report under. @default "calibrate" */
  phase?: QuantizePhase;
  progress?: ProgressFn;
}

/** What {@link runSamForward} ran. */
export interface SamForwardReport {
  images: number;
  encoderRuns: number;
  decoderRuns: number;
}

/**
 * Runs `graphs.encoder` on every image and, when `graphs.decoder` is given, the decoder on each of the
 * image's prompts with the encoder outputs the layout names (`SamLayout.embedding`).
 *
 * @throws {SamqError} from the layout when the encoder lacks an output its decoder reads.
 */
export async function runSamForward(
  graphs: { encoder: Graph; decoder?: Graph },
  images: readonly CalibrationImage[],
  options: SamForwardOptions,
  visitor: ForwardVisitor,
): Promise<SamForwardReport> {
  const { config, ep = "cpu", phase = "calibrate", progress = NO_PROGRESS } = options;
  const layout = layoutOf(config.format);
  const enc = await tappedSession(graphs.encoder, options.taps?.encoder ?? [], ep);
  const dec = graphs.decoder
    ? await tappedSession(graphs.decoder, options.taps?.decoder ?? [], ep)
    : undefined;
  const report: SamForwardReport = { images: 0, encoderRuns: 0, decoderRuns: 0 };
  try {
    const inputName = graphs.encoder.inputs[0]!.name;
    const encoderOutputs = graphs.encoder.outputs.map((t) => t.name);
    const decoderInputs = graphs.decoder?.inputs.map((t) => t.name) ?? [];
    for (const image of images) {
      const feed = await encoderFeed(config, image);
      const encOut = await enc.run({ [inputName]: feed.tensor });
      report.encoderRuns++;
      visitor.encoder?.(encOut, image);
      if (dec !== undefined) {
        const embedding = layout.embedding(encOut, encoderOutputs);
        for (const prompt of image.prompts) {
          if (!decoderTakesPrompt(config, prompt, decoderInputs)) continue;
          const out = await dec.run(decoderFeeds(config, embedding, prompt, feed.sizes, decoderInputs));
          report.decoderRuns++;
          visitor.decoder?.(out, image, prompt);
        }
      }
      report.images++;
      progress({ phase, done: report.images, total: images.length, detail: image.fileName });
    }
  } finally {
    await enc.release();
    await dec?.release();
  }
  return report;
}

interface TappedSession {
  run(feeds: Record<string, ort.Tensor>): Promise<RunOutputs>;
  release(): Promise<void>;
}

async function tappedSession(
  graph: Graph,
  taps: readonly TapSpec[],
  ep: ExecutionProvider,
): Promise<TappedSession> {
  const before = new Set(graph.nodes);
  const saved = graph.outputs;
  const map = graph.tensors();
  const inputs = new Set<Tensor>(graph.inputs);
  const keyToOutput = new Map<string, string>();
  const fromFeeds = new Map<string, string>();
  let bytes: Uint8Array;
  try {
    const extra: Tensor[] = [];
    for (const tap of taps) {
      const x = map.get(tap.tensor);
      if (x === undefined) {
        throw new SamqError("invalid_argument", `Cannot tap "${tap.tensor}": the graph has no such tensor`, {
          field: tap.tensor,
        });
      }
      const r = tap.reduce ?? { kind: "full" as const };
      const out = typeof r === "function" ? r(graph, x, tap.key) : appendTapReduction(graph, x, r, tap.key);
      if (inputs.has(out)) fromFeeds.set(tap.key, out.name);
      else {
        keyToOutput.set(tap.key, out.name);
        if (!saved.includes(out) && !extra.includes(out)) extra.push(out);
      }
    }
    graph.outputs = [...saved, ...extra];
    bytes = encodeModel(graph);
  } finally {
    graph.outputs = saved;
    for (const n of graph.nodes.filter((n) => !before.has(n))) graph.removeNode(n);
  }
  const session = await createSession(bytes, { ep });
  return {
    async run(feeds) {
      const res = await session.run(feeds) as RunOutputs;
      const out: RunOutputs = {};
      for (const name of session.outputNames) if (!name.startsWith("samq.tap/")) out[name] = res[name]!;
      for (const [key, name] of keyToOutput) out[key] = res[name]!;
      for (const [key, name] of fromFeeds) out[key] = feeds[name]!;
      return out;
    },
    release: () => session.release(),
  };
}
