/**
 * Opens a run store of evaluation records: `openRunStore` with every stored line checked and typed by
 * {@link parseEvalRecord}, so a malformed record fails on open, naming the file, line and field.
 *
 * @module
 */
import { openRunStore, type RunStore } from "../records/run_store.ts";
import { parseEvalRecord } from "./parse_eval_record.ts";
import { EVAL_RECORD_SCHEMA, type EvalRecord } from "./record.ts";

/**
 * Opens (creating if needed) the evaluation run store in `dir`.
 *
 * @param dir Run folder, e.g. `runs/eval`.
 * @returns The store, its records typed.
 * @throws {SamqError} the store's errors (`io`, `invalid_file`, `incompatible`) and `parseEvalRecord`'s.
 *
 * @example Usage
 * ```ts ignore
 * import { openEvalStore } from "./open_eval_store.ts";
 * const store = await openEvalStore("runs/eval");
 * for (const r of store.records()) if (r.mode === "auto") console.log(r.metrics.AR100);
 * ```
 */
export function openEvalStore(dir: string): Promise<RunStore<EvalRecord>> {
  return openRunStore<EvalRecord>(dir, { schema: EVAL_RECORD_SCHEMA, parse: parseEvalRecord });
}
