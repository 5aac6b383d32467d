/**
 * Expands the config's `methods` into method variants: `*` becomes every catalog method not named
 * explicitly, each grid becomes its cartesian product (keys in file order, values in list order), and the
 * method's defaults are merged under the fixed options and the grid point. Unknown methods and options
 * are refused naming the JSON pointer. Each variant carries its protocol (the entry's, else the
 * config's); one method with the same options under two protocols is refused as listed twice, since
 * report rows are (method, options).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import { canonicalJson, type JsonValue } from "./_canonical_json.ts";
import { ALL_METHODS, type BenchConfig } from "./config.ts";
import { FLOAT_METHOD, type MethodCatalog } from "./method_catalog.ts";
import type { MethodVariant } from "./validate_config.ts";

function rewrap(e: unknown, field: string, configPath: string | null, what: string): never {
  if (!(e instanceof SamqError)) throw e;
  const path = e.path ?? configPath ?? undefined;
  throw new SamqError(e.code, `${what}: ${e.message}`, {
    ...(path === undefined ? {} : { path }),
    field,
    cause: e,
  });
}

function gridPoints(grid: Record<string, JsonValue[]>): Record<string, JsonValue>[] {
  let points: Record<string, JsonValue>[] = [{}];
  for (const [k, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  }
  return points;
}

/** Expands the methods of `config` (see the module doc). */
export function expandMethods(
  config: BenchConfig,
  catalog: MethodCatalog,
  configPath: string | null,
): MethodVariant[] {
  const out: MethodVariant[] = [];
  const seen = new Set<string>();
  const explicit = new Set(config.methods.map((m) => m.name));
  const fail = (field: string, message: string): never => {
    throw new SamqError("invalid_argument", message, {
      ...(configPath === null ? {} : { path: configPath }),
      field,
    });
  };
  config.methods.forEach((entry, i) => {
    const names = entry.name === ALL_METHODS ? catalog.names().filter((n) => !explicit.has(n)) : [entry.name];
    for (const name of names) {
      if (name === FLOAT_METHOD) {
        if (!seen.has(FLOAT_METHOD)) {
          out.push({
            method: FLOAT_METHOD,
            status: "float",
            options: {},
            gridPoint: {},
            protocol: config.protocol,
          });
        }
        seen.add(FLOAT_METHOD);
        continue;
      }
      const info = catalog.get(name);
      if (info === undefined) {
        fail(
          `/methods/${i}`,
          `Unknown method "${name}": expected "${FLOAT_METHOD}", "${ALL_METHODS}" or one of ${
            catalog.names().map((n) => `"${n}"`).join(", ")
          }`,
        );
      }
      const given = [...Object.keys(entry.options), ...Object.keys(entry.grid)];
      const unknownOption = info!.optionNames && given.find((k) => !info!.optionNames!.includes(k));
      if (unknownOption) {
        fail(
          `/methods/${i}/${unknownOption in entry.options ? "options" : "grid"}/${unknownOption}`,
          `Unknown option "${unknownOption}" of method "${name}": expected one of ${
            info!.optionNames!.map((n) => `"${n}"`).join(", ")
          }`,
        );
      }
      for (const point of gridPoints(entry.grid)) {
        const options = { ...(info!.defaults ?? {}), ...entry.options, ...point };
        try {
          if (info!.status === "available") info!.checkOptions?.(options);
        } catch (e) {
          const opt = e instanceof SamqError && e.field !== undefined ? e.field.split(".").at(-1)! : "";
          const where = opt in entry.options
            ? `options/${opt}`
            : opt in entry.grid
            ? `grid/${opt}`
            : "options";
          rewrap(e, `/methods/${i}/${where}`, configPath, `Cannot use method "${name}"`);
        }
        const id = `${name} ${canonicalJson(options)}`;
        if (seen.has(id)) {
          fail(`/methods/${i}`, `Method "${name}" with options ${canonicalJson(options)} is listed twice`);
        }
        seen.add(id);
        out.push({
          method: name,
          status: info!.status,
          options,
          gridPoint: point,
          protocol: entry.protocol ?? config.protocol,
          ...(entry.bits === undefined ? {} : { bits: entry.bits }),
        });
      }
    }
  });
  return out;
}
