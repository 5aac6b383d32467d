/**
 * The one error type for user-facing failures (bad input, missing files, wrong interfaces).
 *
 * The CLI prints a `SamqError` as one line and exits 2; anything else is a bug and gets a stack trace.
 * Messages follow Deno's style: sentence case, no trailing period, quoted values, action then state,
 * e.g. `Cannot read "m/sam.json": field "input_size" is missing`.
 *
 * @module
 */

/** Machine-readable error codes; callers branch on these, never on message text. */
export const ERROR_CODES = [
  "not_found",
  "invalid_argument",
  "invalid_file",
  "invalid_json",
  "invalid_model",
  "invalid_image",
  "invalid_prompt",
  "invalid_dataset",
  "checksum_mismatch",
  "unavailable",
  "io",
  "incompatible",
] as const;
/** One of {@link ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** Options carried by a {@link SamqError}. */
export interface SamqErrorOptions {
  /** File the problem is in, if any. */
  path?: string;
  /** JSON pointer, tensor name, option or record the problem is about. */
  field?: string;
  /** Underlying error. */
  cause?: unknown;
}

/** A user-facing error with a code and the offending file/field. */
export class SamqError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: SamqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SamqError";
    this.code = code;
    this.path = options.path;
    this.field = options.field;
  }
}

/** Throws an internal-invariant `Error` (a bug, not a user error) when `cond` is false. */
export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`Invariant failed: ${message}`);
}
