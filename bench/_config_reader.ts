/**
 * Typed field readers for `parseBenchConfig`: each check fails with `SamqError("invalid_file")` naming
 * the config file and the JSON pointer of the field.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { JsonValue } from "./_canonical_json.ts";
import { ALL_METHODS, type ConfigSource, type DatasetChoice, type MethodEntry } from "./config.ts";
import { FLOAT_METHOD } from "./method_catalog.ts";
import { PROTOCOL_NAMES } from "../quantize/protocols.ts";
import { bitsLabel, FLOAT_BITS, parseBits } from "../util/bits.ts";
import { EVAL_MODES } from "../eval/modes/eval_options.ts";

/** Reads fields of one raw config. */
export class ConfigReader {
  constructor(readonly source: ConfigSource) {}

  fail(field: string, what: string): never {
    const where = this.source.path === undefined ? "config" : `"${this.source.path}"`;
    throw new SamqError("invalid_file", `Cannot read bench ${where}: field "${field}" ${what}`, {
      ...(this.source.path === undefined ? {} : { path: this.source.path }),
      field,
    });
  }

  string(v: unknown, field: string): string {
    if (typeof v !== "string" || v === "") this.fail(field, "must be a non-empty string");
    return v;
  }

  name(v: unknown, field: string): string {
    const s = this.string(v, field);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s)) {
      this.fail(field, "must use only letters, digits, '.', '_' and '-'");
    }
    return s;
  }

  int(v: unknown, field: string, min: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      this.fail(field, `must be an integer ≥ ${min}`);
    }
    return v;
  }

  list(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(field, "must be a non-empty array");
    return v;
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(field, "must be an object");
    return v as Record<string, unknown>;
  }

  oneOf<T extends string>(v: unknown, field: string, choices: readonly T[]): T {
    if (!choices.includes(v as T)) {
      this.fail(
        field,
        `must be one of ${choices.map((c) => `"${c}"`).join(", ")}`,
      );
    }
    return v as T;
  }

  dataset(v: unknown, field: string, withModes = false): DatasetChoice {
    if (typeof v === "string") return { spec: this.string(v, field), fallback: null };
    const o = this.object(v, field);
    for (const k of Object.keys(o)) {
      if (k !== "spec" && k !== "fallback" && !(withModes && k === "modes")) {
        this.fail(`${field}/${k}`, "is unknown");
      }
    }
    const fallback = o.fallback === undefined || o.fallback === null
      ? null
      : this.string(o.fallback, `${field}/fallback`);
    const choice: DatasetChoice = { spec: this.string(o.spec, `${field}/spec`), fallback };
    if (o.modes !== undefined) {
      const modes = this.list(o.modes, `${field}/modes`).map((m, i) =>
        this.oneOf(m, `${field}/modes/${i}`, EVAL_MODES)
      );
      choice.modes = [...new Set(modes)];
    }
    return choice;
  }

  method(v: unknown, field: string): MethodEntry {
    if (typeof v === "string") return { name: this.string(v, field), options: {}, grid: {} };
    const o = this.object(v, field);
    for (const k of Object.keys(o)) {
      if (!["name", "options", "grid", "protocol", "bits"].includes(k)) {
        this.fail(`${field}/${k}`, "is unknown");
      }
    }
    const name = this.string(o.name, `${field}/name`);
    const options = o.options === undefined ? {} : this.object(o.options, `${field}/options`);
    const rawGrid = o.grid === undefined ? {} : this.object(o.grid, `${field}/grid`);
    const grid: Record<string, JsonValue[]> = {};
    for (const [k, values] of Object.entries(rawGrid)) {
      grid[k] = this.list(values, `${field}/grid/${k}`) as JsonValue[];
      if (k in options) this.fail(`${field}/grid/${k}`, "is also a fixed option");
    }
    if (
      (name === FLOAT_METHOD || name === ALL_METHODS) && (o.options !== undefined || o.grid !== undefined)
    ) {
      this.fail(`${field}/name`, `"${name}" takes no options or grid`);
    }
    if (name === FLOAT_METHOD && o.protocol !== undefined) {
      this.fail(`${field}/protocol`, "is not used by float");
    }
    if (name === FLOAT_METHOD && o.bits !== undefined) this.fail(`${field}/bits`, "is not used by float");
    const entry: MethodEntry = { name, options: options as Record<string, JsonValue>, grid };
    if (o.protocol !== undefined) {
      entry.protocol = this.oneOf(o.protocol, `${field}/protocol`, PROTOCOL_NAMES);
    }
    if (o.bits !== undefined) entry.bits = this.bitsList(o.bits, `${field}/bits`);
    return entry;
  }

  /** One bit setting, normalized ("W4A4" → "w4a4"); null for float ("float" / "fp32"). */
  bitSetting(v: unknown, field: string): string | null {
    const s = this.string(v, field).toLowerCase();
    if (s === FLOAT_METHOD || s === FLOAT_BITS) return null;
    try {
      return bitsLabel(parseBits(s, field));
    } catch (e) {
      return this.fail(field, `is not a bit setting: ${(e as Error).message}`);
    }
  }

  /** A non-empty list of quantized bit settings, duplicates dropped; float refused. */
  bitsList(v: unknown, field: string): string[] {
    const out = this.list(v, field).map((b, i) =>
      this.bitSetting(b, `${field}/${i}`) ?? this.fail(`${field}/${i}`, "must be a quantized bit setting")
    );
    return [...new Set(out)];
  }
}
