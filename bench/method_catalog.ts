/**
 * What the bench knows about quantization methods: which ones can run now ("available") and which are
 * planned but not built yet ("planned"). A config may name planned methods; they produce no jobs and show
 * as "not available" rows in the report. A name the catalog does not know is an error.
 *
 * The catalog is passed in (the CLI builds it from the `quantize/methods/` registry), so the bench does not
 * depend on which methods exist today.
 *
 * @module
 */
import type { JsonValue } from "./_canonical_json.ts";

/** The pseudo-method that evaluates the float model. */
export const FLOAT_METHOD = "float";

/** Every method named in the specs and issues, in the order tables list them. */
export const KNOWN_METHOD_NAMES: readonly string[] = Object.freeze([
  "minmax",
  "percentile",
  "repq-vit",
  "ptq4sam-s",
  "ptq4sam-l",
  "pq-sam-s",
  "pq-sam",
  "lsq+",
  "qdrop",
  "brecq",
  "ahcptq",
  // Named in the methods spec (§10, SAQ-SAM, AAAI 2026); planned, not built.
  "saq-sam",
]);

/** Whether a method can run. */
export type MethodStatus = "available" | "planned";

/** One catalog entry. */
export interface MethodInfo {
  name: string;
  status: MethodStatus;
  /**
   * Option names the method accepts; when given, a config naming any other option is refused.
   * Undefined means "not checked here" (the method validates its own options).
   */
  optionNames?: readonly string[];
  /** The method's defaults; merged under the config's options before hashing the cache key. */
  defaults?: Readonly<Record<string, JsonValue>>;
  /**
   * Validates a variant's options (defaults merged); throws `SamqError` naming the option.
   * Undefined means "checked when the method runs".
   */
  checkOptions?: (options: Readonly<Record<string, JsonValue>>) => void;
}

/** Method lookup for config validation and planning. */
export interface MethodCatalog {
  /** The entry for `name`, or undefined when the name is unknown. */
  get(name: string): MethodInfo | undefined;
  /** Every known name, in table order. */
  names(): readonly string[];
}

/**
 * Builds a catalog: `available` entries first (in the given order), then every name of `planned` that is
 * not available, marked planned.
 *
 * @param available Methods that can run (from the `quantize/methods/` registry).
 * @param planned Names known but not built; defaults to {@link KNOWN_METHOD_NAMES}.
 * @returns The catalog.
 *
 * @example Usage
 * ```ts
 * import { createMethodCatalog } from "./method_catalog.ts";
 * const catalog = createMethodCatalog([{ name: "minmax", status: "available" }]);
 * catalog.get("saq-sam")?.status; // "planned"
 * ```
 */
export function createMethodCatalog(
  available: readonly MethodInfo[],
  planned: readonly string[] = KNOWN_METHOD_NAMES,
): MethodCatalog {
  const byName = new Map<string, MethodInfo>();
  for (const m of available) byName.set(m.name, { ...m, status: "available" });
  for (const name of planned) if (!byName.has(name)) byName.set(name, { name, status: "planned" });
  const names = Object.freeze([...byName.keys()]);
  return { get: (name) => byName.get(name), names: () => names };
}
