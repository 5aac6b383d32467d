/**
 * Learned quantization on ONNX graphs (spec §3.3 E, §4.4, §6–§8): parametric fake-quant training graphs
 * built from the standard emission, losses, AdaRound, the two drivers (block reconstruction and
 * end-to-end), PQ-SAM's learned GADT, and the bake back into the standard emission.
 *
 * | module                   | what                                                                      |
 * |--------------------------|---------------------------------------------------------------------------|
 * | `parametric_quantizer.ts`| uniform (LSQ/LSQ+), AdaRound, log (AGQ) quantizers and QDrop dropping with parameters as graph inputs |
 * | `trainable_graph.ts`     | an emitted graph → its training copy (per-quantizer learn / fixed / off)   |
 * | `append_loss.ts`         | reconstruction loss and AdaRound regulariser subgraphs                     |
 * | `param_groups.ts`        | learning rates, projections, per-parameter schedules, LSQ gradient scales  |
 * | `find_units.ts`          | reconstruction units (attention / MLP / conv chains) cut at the narrowest points |
 * | `reconstruct_units.ts`   | BRECQ/QDrop/PTQ4SAM-L block reconstruction over both streams               |
 * | `end_to_end.ts`          | PQ-SAM/LSQ+ end-to-end learning on mask logits (`chained_runner.ts`)       |
 * | `recover_gadt_targets.ts`, `gadt_plugin.ts`, `fold_learned_gadt.ts` | PQ-SAM's learned grouped shift/scale and its exact fold |
 * | `bake_learned.ts`        | learned values → the standard emission (`samq.q/` names)                   |
 * | `static_init.ts`         | MinMax / MSE initialisation of LSQ+, BRECQ, QDrop                          |
 *
 * @module
 */
export {
  ADAROUND_GAMMA,
  ADAROUND_ZETA,
  emitAdaRoundWeight,
  emitDrop,
  emitParametricLog,
  emitParametricUniform,
  LOG_EPSILON,
} from "./parametric_quantizer.ts";
export type { AdaRoundWeight, ParametricLog, ParametricUniform } from "./parametric_quantizer.ts";
export { adaRoundHard, adaRoundInit, adaRoundPenalty, adaRoundRegularizer } from "./adaround.ts";
export type { AdaRoundSchedule } from "./adaround.ts";
export { broadcastDims, buildTrainableGraph } from "./trainable_graph.ts";
export type {
  AdaRoundTerm,
  LearnedParam,
  QuantizerTreatment,
  TrainableGraph,
  TrainableGraphOptions,
} from "./trainable_graph.ts";
export { appendAdaRoundRegularizer, appendReconstructionLoss } from "./append_loss.ts";
export type { ReconstructionLossOptions } from "./append_loss.ts";
export { reconstructionError } from "./reconstruction_error.ts";
export { scheduledProjection, trainSettings } from "./param_groups.ts";
export type { RoleOptimizer, RoleOptimizers, TrainSettings } from "./param_groups.ts";
export { findUnits, UNIT_WALK } from "./find_units.ts";
export type { GraphUnit, GraphUnits } from "./find_units.ts";
export { buildUnitGraphs, graphInputsReaching, typedSubgraph } from "./unit_graphs.ts";
export type { TensorType, UnitGraphOptions, UnitGraphs } from "./unit_graphs.ts";
export { reconstructUnits } from "./reconstruct_units.ts";
export type { ReconstructionInput, ReconstructionStage, UnitReport } from "./reconstruct_units.ts";
export { END_TO_END_OBJECTIVES, trainEndToEnd } from "./end_to_end.ts";
export type {
  EndToEndInput,
  EndToEndObjective,
  EndToEndResult,
  EndToEndStage,
  TrainablePlugin,
} from "./end_to_end.ts";
export { ChainedRunner, STEP_FEEDS } from "./chained_runner.ts";
export { buildChainGraphs } from "./build_chain_graphs.ts";
export type { ChainGraphs, StepData } from "./chained_runner.ts";
export type { ChainBuildContext } from "./build_chain_graphs.ts";
export { recoverGadtTargets } from "./recover_gadt_targets.ts";
export type { GadtLearnTarget } from "./recover_gadt_targets.ts";
export { gadtPlugin } from "./gadt_plugin.ts";
export { foldLearnedGadt, learnedChannels } from "./fold_learned_gadt.ts";
export { bakeLearned } from "./bake_learned.ts";
export type { BakeOptions } from "./bake_learned.ts";
export { ACTIVATION_INIT_RULES, staticInit, WEIGHT_INIT_RULES } from "./static_init.ts";
export type { ActivationInitRule, StaticInitOptions, WeightInitRule } from "./static_init.ts";
export { captureShapes, propagateElementwiseShapes } from "./annotate_shapes.ts";
export { TensorCache } from "./tensor_cache.ts";
export type { TensorCacheOptions } from "./tensor_cache.ts";
export { floatWeightsOf } from "./float_weights.ts";
export { budgetSteps, checkBudget } from "./learn_budget.ts";
export { assertNoLearningOps, findLearningOps } from "./no_learning_ops.ts";
export { summarizeUnits } from "./summarize_units.ts";
export { CONTROL, LEARN_PREFIX, LEARN_ROLES, learnParamName } from "./_names.ts";
export type { LearnRole } from "./_names.ts";
