/**
 * Progress reporting of the quantization pipeline (STYLE: side effects are injected; only the CLI binds
 * the callback to stderr).
 *
 * @module
 */

/** Phases of `quantizeModel`, in order. */
export const QUANTIZE_PHASES = ["prepare", "calibrate", "fold", "emit", "audit", "write"] as const;
/** One of {@link QUANTIZE_PHASES}. */
export type QuantizePhase = typeof QUANTIZE_PHASES[number];

/** One progress step: `done` of `total` units of `phase` (images, quantizers, files). */
export interface ProgressEvent {
  phase: QuantizePhase;
  done: number;
  total: number;
  /** Short human-readable note (file or tensor name). */
  detail?: string;
}

/** Receives progress events. */
export type ProgressFn = (event: ProgressEvent) => void;

/** A progress callback that ignores everything. */
export const NO_PROGRESS: ProgressFn = () => {};
