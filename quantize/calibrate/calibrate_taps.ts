/**
 * Streams calibration data into observers: every tapped tensor of every encoder and decoder run goes to
 * the taps registered for it (`observe(x, shape)`), one call per run (per image for the encoder, per
 * prompt for the decoder), so batch-averaging observers average over images or prompts. Observers are
 * bounded, and no tensor outlives its run.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { PreparedModel } from "../graph/prepare_sam_model.ts";
import type { ModelPart } from "../graph/types.ts";
import type { CalibrationSet } from "./calibration_set.ts";
import type { ProgressFn } from "./progress.ts";
import { type RunOutputs, runSamForward, type SamForwardReport, type TapSpec } from "./run_sam_forward.ts";
import type { ExecutionProvider } from "../../runtime/execution_provider.ts";
import type { TapReduction } from "./tap_reduction.ts";

/** One observer fed with one tensor of one graph. */
export interface CalibrationTap {
  part: ModelPart;
  /** Tensor name in the prepared graph. */
  tensor: string;
  /** In-graph reduction of the tensor before it reaches `observe`. @default { kind: "full" } */
  reduce?: TapReduction;
  /** Receives float32 row-major values (reduced) and their dims, once per run. */
  observe(x: Float32Array, shape: readonly number[]): void;
}

/** Options of {@link calibrateTaps}. */
export interface CalibrateTapsOptions {
  /** @default "cpu" */
  ep?: ExecutionProvider;
  progress?: ProgressFn;
}

/**
 * Runs the prepared float graphs over the calibration set and feeds every tap. The decoder runs only
 * when some tap is on the decoder.
 *
 * @throws {SamqError} `invalid_model` when a tapped tensor is not float32.
 */
export async function calibrateTaps(
  model: PreparedModel,
  calibration: CalibrationSet,
  taps: readonly CalibrationTap[],
  options: CalibrateTapsOptions = {},
): Promise<SamForwardReport> {
  // One graph output per (tensor, reduction); taps asking for the same one share it.
  const byPart = (part: ModelPart) => {
    const m = new Map<string, { spec: TapSpec; taps: CalibrationTap[] }>();
    for (const t of taps.filter((t) => t.part === part)) {
      const r = t.reduce ?? { kind: "full" };
      const key = `${t.tensor}|${JSON.stringify(r)}`;
      const entry = m.get(key) ?? { spec: { key, tensor: t.tensor, reduce: r }, taps: [] };
      entry.taps.push(t);
      m.set(key, entry);
    }
    return m;
  };
  const enc = byPart("encoder");
  const dec = byPart("decoder");
  const feed = (m: Map<string, { spec: TapSpec; taps: CalibrationTap[] }>, out: RunOutputs) => {
    for (const [key, { spec, taps }] of m) {
      const v = out[key];
      if (v === undefined || v.type !== "float32") {
        throw new SamqError(
          "invalid_model",
          `Cannot calibrate tensor "${spec.tensor}": it is missing or not float32`,
          {
            field: spec.tensor,
          },
        );
      }
      for (const t of taps) t.observe(v.data as Float32Array, v.dims);
    }
  };
  return await runSamForward(
    { encoder: model.encoder.model.graph, ...(dec.size > 0 ? { decoder: model.decoder.model.graph } : {}) },
    calibration.images,
    {
      config: model.source.config,
      taps: { encoder: [...enc.values()].map((e) => e.spec), decoder: [...dec.values()].map((e) => e.spec) },
      ...(options.ep ? { ep: options.ep } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
    },
    { encoder: (out) => feed(enc, out), decoder: (out) => feed(dec, out) },
  );
}
