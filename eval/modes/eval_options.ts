/**
 * Options of an evaluation run (DESIGN §3, spec §A4): which modes, how many images, and every protocol
 * knob. Defaults live only in {@link EVAL_DEFAULTS} (the nested AMG and prompt options keep theirs in
 * `AMG_DEFAULTS` and `PROMPT_PROTOCOL_DEFAULTS`); {@link resolveEvalOptions} merges and validates.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { EP_CHOICES, type EpChoice } from "../../runtime/execution_provider.ts";
import { type AmgOptions, resolveAmgOptions } from "../../sam/amg/amg_options.ts";
import {
  type PromptProtocolOptions,
  resolvePromptProtocolOptions,
} from "../../datasets/prompts/prompt_protocol_options.ts";

/** Evaluation modes, in table order. */
export const EVAL_MODES = ["point", "box", "auto", "detbox"] as const;
/** One of {@link EVAL_MODES}. */
export type EvalMode = typeof EVAL_MODES[number];

/** Scores that rank automatic-mode proposals for AR@K. */
export const AUTO_SCORES = ["predicted_iou", "stability_score"] as const;
/** One of {@link AUTO_SCORES}. */
export type AutoScore = typeof AUTO_SCORES[number];

/**
 * Which mask the detector-box mode keeps (spec §A4.3, §C item 7): "single-token" = SAM's single-mask
 * token 0 (PTQ4SAM / AHCPTQ, `multimask_output=False`); "best-of-3" = the multimask token with the
 * highest predicted IoU (what the official single-mask ONNX export returns for a box, and EV's choice).
 * Layouts without token 0 (HF) fall back to "best-of-3"; the record says which one was used.
 */
export const DETBOX_MASKS = ["single-token", "best-of-3"] as const;
/** One of {@link DETBOX_MASKS}. */
export type DetboxMask = typeof DETBOX_MASKS[number];

/** Every knob of an evaluation run (resolved). */
export interface EvalOptions {
  /**
   * Modes to run, in {@link EVAL_MODES} order.
   * @default ["point", "box"]
   */
  modes: EvalMode[];
  /**
   * Evaluate only the first N images of the dataset; null = all.
   * @default null
   */
  limit: number | null;
  /**
   * Images (the first N of the evaluated ones) for the `auto` mode; null = all.
   * @default null
   */
  autoLimit: number | null;
  /**
   * Automatic mask generator options over SAM's defaults (`AMG_DEFAULTS`); `outputMode` is ignored.
   * @default {}
   */
  amg: AmgOptions;
  /**
   * Prompt protocol options over `PROMPT_PROTOCOL_DEFAULTS` (crowd and area rules, detections file,
   * detector score threshold and top-k).
   * @default {}
   */
  prompt: PromptProtocolOptions;
  /**
   * Score that ranks `auto` proposals.
   * @default "predicted_iou"
   */
  autoScore: AutoScore;
  /**
   * Mask kept by `detbox`.
   * @default "single-token"
   */
  detboxMask: DetboxMask;
  /**
   * Seed of the run (recorded and keyed; the current protocols draw no random numbers).
   * @default 0
   */
  seed: number;
  /**
   * Execution provider.
   * @default "auto"
   */
  ep: EpChoice;
}

/** Options as callers give them: every field optional, nested options partial. */
export type EvalOptionsInput = Partial<Omit<EvalOptions, "amg" | "prompt">> & {
  amg?: Partial<AmgOptions>;
  prompt?: Partial<PromptProtocolOptions>;
};

/** The defaults (the nested `amg` and `prompt` records start empty: their defaults live with them). */
export const EVAL_DEFAULTS: Readonly<Omit<EvalOptions, "amg" | "prompt">> = Object.freeze<
  Omit<EvalOptions, "amg" | "prompt">
>({
  modes: ["point", "box"],
  limit: null,
  autoLimit: null,
  autoScore: "predicted_iou",
  detboxMask: "single-token",
  seed: 0,
  ep: "auto",
});

function bad(field: string, message: string): SamqError {
  return new SamqError("invalid_argument", `Cannot use eval option "${field}": ${message}`, { field });
}

function checkLimit(v: unknown, field: string): void {
  if (v !== null && !(Number.isInteger(v) && (v as number) >= 1)) {
    throw bad(field, `must be a positive integer or null, got ${String(v)}`);
  }
}

function oneOf<T extends string>(v: unknown, field: string, choices: readonly T[]): void {
  if (!choices.includes(v as T)) {
    throw bad(field, `must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got "${String(v)}"`);
  }
}

/**
 * Merges `input` over the defaults and validates everything (nested options included).
 *
 * @param input Options the caller set.
 * @returns Complete options; `modes` deduplicated and in {@link EVAL_MODES} order.
 * @throws {SamqError} `invalid_argument` naming the option.
 *
 * @example Usage
 * ```ts
 * import { resolveEvalOptions } from "./eval_options.ts";
 * resolveEvalOptions({ modes: ["box", "point"], amg: { pointsPerSide: 4 } }).modes; // ["point", "box"]
 * ```
 */
export function resolveEvalOptions(input: EvalOptionsInput = {}): EvalOptions {
  const known = [...Object.keys(EVAL_DEFAULTS), "amg", "prompt"];
  for (const key of Object.keys(input)) if (!known.includes(key)) throw bad(key, "unknown option");
  const { amg = {}, prompt = {}, ...rest } = input;
  const o: EvalOptions = {
    ...EVAL_DEFAULTS,
    ...rest,
    modes: [...(rest.modes ?? EVAL_DEFAULTS.modes)],
    amg: resolveAmgOptions(amg),
    prompt: resolvePromptProtocolOptions(prompt),
  };
  if (!Array.isArray(o.modes) || o.modes.length === 0) throw bad("modes", "must name at least one mode");
  for (const m of o.modes) oneOf(m, "modes", EVAL_MODES);
  o.modes = EVAL_MODES.filter((m) => o.modes.includes(m));
  checkLimit(o.limit, "limit");
  checkLimit(o.autoLimit, "autoLimit");
  oneOf(o.autoScore, "autoScore", AUTO_SCORES);
  oneOf(o.detboxMask, "detboxMask", DETBOX_MASKS);
  oneOf(o.ep, "ep", EP_CHOICES);
  if (!Number.isInteger(o.seed)) throw bad("seed", `must be an integer, got ${String(o.seed)}`);
  return o;
}
