/**
 * The settings of one block-reconstruction pass (`reconstruct_units.ts`) and its per-unit report.
 *
 * @module
 */
import type { ModelPart } from "../graph/types.ts";
import type { QuantizerRecord } from "../insert/quantizer_record.ts";
import type { AdaRoundSchedule } from "./adaround.ts";
import type { ReconstructionLossOptions } from "./append_loss.ts";
import type { RoleOptimizers } from "./param_groups.ts";
import type { QuantizerTreatment } from "./trainable_graph.ts";

/** One reconstruction pass over the units. */
export interface ReconstructionStage {
  /** Name used in notes and progress ("qdrop", "brecq-weights", …). */
  label: string;
  treat(record: QuantizerRecord): QuantizerTreatment;
  /** Optimizer steps per unit. */
  iterations: number;
  optimizers: RoleOptimizers;
  /** AdaRound regulariser schedule (when weights use AdaRound). */
  adaround?: AdaRoundSchedule;
  /** QDrop: probability of quantizing while learning (dropping and input mixing); absent: neither. */
  quantProb?: number;
  loss: ReconstructionLossOptions;
  /** Samples on which learned and initial parameters are compared. */
  evalSamples: number;
}

/** What happened to one unit. */
export interface UnitReport {
  part: ModelPart;
  unit: number;
  linears: string[];
  params: number;
  iterations: number;
  initialError: number;
  learnedError: number;
  kept: "learned" | "initial";
  seconds: number;
  /** Steady-state seconds per optimizer step (`train/step_clock.ts`); NaN when nothing was learned. */
  secondsPerStep: number;
}
