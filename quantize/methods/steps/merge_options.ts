/**
 * Step helper for `Method.resolveOptions`: merges a partial option record over frozen defaults, refusing
 * unknown keys and values whose type differs from the default's (arrays must stay arrays).
 *
 * @module
 */
import { SamqError } from "../../../util/errors.ts";

/**
 * Returns `{...defaults, ...partial}` after the key/type checks.
 *
 * @throws {SamqError} `invalid_argument` (field = the option) listing the known options.
 */
export function mergeOptions<O extends object>(
  method: string,
  defaults: Readonly<O>,
  partial: Readonly<Record<string, unknown>>,
): O {
  const known = Object.keys(defaults);
  for (const [k, v] of Object.entries(partial)) {
    if (!known.includes(k)) {
      throw new SamqError(
        "invalid_argument",
        `Cannot use option "${k}" of method "${method}": known options are ${
          known.map((x) => `"${x}"`).join(", ") || "none"
        }`,
        { field: k },
      );
    }
    const d = (defaults as Record<string, unknown>)[k];
    if (Array.isArray(d) !== Array.isArray(v) || (!Array.isArray(d) && d !== null && typeof d !== typeof v)) {
      throw new SamqError(
        "invalid_argument",
        `Cannot use option "${k}" of method "${method}": expected a ${
          Array.isArray(d) ? "list" : typeof d
        }, got ${JSON.stringify(v)}`,
        { field: k },
      );
    }
  }
  return { ...defaults, ...partial } as O;
}

/** Throws `invalid_argument` for option `field` of `method` unless `cond`. */
export function checkOption(method: string, field: string, cond: boolean, message: string): void {
  if (!cond) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use option "${field}" of method "${method}": ${message}`,
      {
        field,
      },
    );
  }
}
