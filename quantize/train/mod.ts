/**
 * Learning quantization parameters by gradient descent: the host side of learned methods (LSQ+, QDrop,
 * PQ-SAM step 3). A method builds a fake-quant graph with its parameters as graph inputs and a loss
 * subgraph (e.g. MSE against float targets fed as inputs), differentiates it with
 * `buildGradientGraph` (`onnx/grad/`), and calls {@link train}: ONNX Runtime computes the loss and
 * gradients, Adam runs on the host, with cosine schedules, LSQ gradient scales, projections,
 * checkpoint/resume and NaN/Inf detection.
 *
 * ```ts ignore
 * const grad = await buildGradientGraph(forward, { loss: "loss", wrt: ["act.scale"] });
 * const { params } = await train({
 *   gradient: grad,
 *   params: { "act.scale": { data: Float32Array.of(0.05), dims: [] } },
 *   batches: (t) => calibrationFeeds[t % calibrationFeeds.length],
 *   steps: 2000,
 *   optimizer: { lr: 4e-5 },
 *   gradScales: { "act.scale": lsqGradScale(4096 * 768, 15) },
 *   groups: [{ params: ["act.scale"], project: absMinProjection(1e-8) }],
 *   checkpoint: { path: "/tmp/run.ckpt.json", every: 200 },
 * });
 * ```
 *
 * @module
 */
export { absMinProjection, type ProjectionHook } from "./abs_min_projection.ts";
export {
  ADAM_DEFAULTS,
  type AdamMoments,
  type AdamOptions,
  adamUpdate,
  createAdamMoments,
  resolveAdamOptions,
} from "./adam.ts";
export { type Feeds, type GradientResult, GradientRunner } from "./gradient_runner.ts";
export {
  LR_SCHEDULE_DEFAULTS,
  LR_SCHEDULES,
  lrFactor,
  type LrSchedule,
  type LrScheduleKind,
  resolveLrSchedule,
} from "./lr_schedule.ts";
export { lsqGradScale } from "./lsq_grad_scale.ts";
export {
  type BatchSource,
  type ParamGroup,
  train,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from "./train.ts";
export {
  decodeTrainCheckpoint,
  encodeTrainCheckpoint,
  type TrainCheckpoint,
  type TrainParam,
} from "./train_checkpoint.ts";
