/**
 * The run store: crash-safe JSONL records, one per line, keyed for resume (`openRunStore`). The record
 * schema and its check come from the caller (evaluation records: `eval/open_eval_store.ts`).
 *
 * @module
 */
export * from "./run_store.ts";
