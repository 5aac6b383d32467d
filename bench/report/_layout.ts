/**
 * Row and column order of the report tables, decided from the records and (when present) the run's
 * `bench.json`:
 *
 * - rows are method variants: the float row first, then methods in config order (`bench.json`), then
 *   methods found only in records, alphabetically, then planned methods; variants of a method in config
 *   order, else by their options (numbers numerically);
 * - a variant's label is its method plus the options that differ between the variants of that method
 *   (`pq-sam (λ=6, α=0.25)`), axes in the config's grid order, else alphabetically;
 * - planned methods of `bench.json` become "not available" rows;
 * - models and datasets in config order, then the rest alphabetically; bits by `compareBits`.
 *
 * @module
 */
import { canonicalJson, type JsonValue } from "../_canonical_json.ts";
import { FLOAT_METHOD } from "../method_catalog.ts";
import type { ReportRecord } from "./report_record.ts";

/** What the report reads from `bench.json` (every field optional). */
export interface ReportManifest {
  methods?: { method: string; status: string; options: Record<string, JsonValue> }[];
  gridKeys?: Record<string, string[]>;
  models?: { name: string }[];
  datasets?: string[];
}

/** One table row. */
export interface VariantRow {
  method: string;
  options: Record<string, JsonValue>;
  /** `method + " " + canonicalJson(options)`: matches records to rows. */
  id: string;
  label: string;
  /** "float", "measured" (a quantized method) or "planned" (not available). */
  kind: "float" | "measured" | "planned";
  /** The options that vary between this method's variants, in axis order. */
  axes: string[];
}

const SYMBOLS: Record<string, string> = { lambda: "λ", alpha: "α", beta: "β", gamma: "γ", tau: "τ" };

/** Display name of an option ("lambda" → "λ"). */
export function optionSymbol(name: string): string {
  return SYMBOLS[name] ?? name;
}

/** Display form of an option value. */
export function formatOptionValue(v: JsonValue | undefined): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : canonicalJson(v ?? null);
}

/** Orders two option values: numbers numerically, then anything else by canonical JSON. */
export function compareOptionValues(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = canonicalJson(a ?? null), y = canonicalJson(b ?? null);
  return x < y ? -1 : x > y ? 1 : 0;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Values in `preferred` order first, then the rest sorted. */
export function orderBy(values: Iterable<string>, preferred: readonly string[] = []): string[] {
  const set = new Set(values);
  const head = preferred.filter((v, i) => set.has(v) && preferred.indexOf(v) === i);
  return [...head, ...[...set].filter((v) => !head.includes(v)).sort(byName)];
}

/** The id matching records to rows. */
export function variantId(method: string, options: Record<string, JsonValue>): string {
  return `${method} ${canonicalJson(options)}`;
}

/**
 * Builds the rows.
 *
 * @param records All records of the run.
 * @param manifest `bench.json`, or {} without one.
 * @returns Rows in table order.
 */
export function variantRows(records: readonly ReportRecord[], manifest: ReportManifest): VariantRow[] {
  const found = new Map<string, { method: string; options: Record<string, JsonValue>; planned: boolean }>();
  const manifestOrder: string[] = [];
  for (const m of manifest.methods ?? []) {
    const id = variantId(m.method, m.method === FLOAT_METHOD ? {} : m.options);
    manifestOrder.push(id);
    found.set(id, { method: m.method, options: m.options, planned: m.status === "planned" });
  }
  for (const r of records) {
    const options = r.method === FLOAT_METHOD ? {} : r.options;
    const id = variantId(r.method, options);
    const prev = found.get(id);
    if (prev === undefined) found.set(id, { method: r.method, options, planned: false });
    else prev.planned = false;
  }
  // Measured methods before planned ones ("not available" rows close the table).
  const planned = new Set([...found.values()].filter((v) => v.planned).map((v) => v.method));
  for (const v of found.values()) if (!v.planned) planned.delete(v.method);
  const all = orderBy(
    [...found.values()].map((v) => v.method),
    [FLOAT_METHOD, ...(manifest.methods ?? []).map((m) => m.method)],
  );
  const methods = [...all.filter((m) => !planned.has(m)), ...all.filter((m) => planned.has(m))];
  const rows: VariantRow[] = [];
  for (const method of methods) {
    const variants = [...found.entries()].filter(([, v]) => v.method === method);
    const keys = new Set(variants.flatMap(([, v]) => Object.keys(v.options)));
    const varying = [...keys].filter((k) =>
      new Set(variants.map(([, v]) => canonicalJson(v.options[k] ?? null))).size > 1
    );
    const axes = orderBy(varying, (manifest.gridKeys ?? {})[method] ?? []);
    variants.sort(([ia, a], [ib, b]) => {
      const ma = manifestOrder.indexOf(ia), mb = manifestOrder.indexOf(ib);
      if (ma >= 0 && mb >= 0) return ma - mb;
      if (ma >= 0 !== mb >= 0) return ma >= 0 ? -1 : 1;
      for (const k of axes) {
        const c = compareOptionValues(a.options[k], b.options[k]);
        if (c !== 0) return c;
      }
      return byName(ia, ib);
    });
    for (const [id, v] of variants) {
      const suffix = axes.map((k) => `${optionSymbol(k)}=${formatOptionValue(v.options[k])}`).join(", ");
      rows.push({
        method,
        options: v.options,
        id,
        label: suffix === "" ? method : `${method} (${suffix})`,
        kind: method === FLOAT_METHOD ? "float" : v.planned ? "planned" : "measured",
        axes,
      });
    }
  }
  return rows;
}

/**
 * Picks the record of one table cell. Several records for one cell (a config changed between runs into
 * the same folder) resolve to the latest `createdAt`, then the greatest key, and are counted.
 */
export function cellPicker(records: readonly ReportRecord[]): {
  pick(filter: (r: ReportRecord) => boolean): ReportRecord | null;
  ambiguous(): number;
} {
  const multi = new Set<string>();
  return {
    pick(filter) {
      const hits = records.filter(filter);
      if (hits.length === 0) return null;
      if (hits.length > 1) multi.add(hits.map((h) => h.key).sort().join(","));
      return hits.reduce((a, b) => {
        const ca = a.createdAt ?? "", cb = b.createdAt ?? "";
        return cb > ca || (cb === ca && b.key > a.key) ? b : a;
      });
    },
    ambiguous: () => multi.size,
  };
}
