/**
 * The run-store surface the bench uses. `records/run_store.ts` implements it (JSONL in
 * `<dir>/records.jsonl`), opened for evaluation records (`schema: "samq.eval/1"`, each line checked by
 * `parseEvalRecord`) through `eval/open_eval_store.ts`; the bench takes the store as an argument so that
 * the plan/resume/shard logic does not depend on the store's internals.
 *
 * Methods may be synchronous or asynchronous; the bench awaits every call.
 *
 * @module
 */

/** A run record as far as the bench needs it: a `key` plus JSON fields (see the run store). */
export interface RecordLike {
  key: string;
  [field: string]: unknown;
}

/** What the bench needs from a run store. */
export interface RunStoreLike {
  /** Appends one record atomically (a crash leaves the record either complete or absent). */
  append(record: RecordLike): Promise<void> | void;
  /** Whether a record with `key` is present. */
  has(key: string): Promise<boolean> | boolean;
  /** Every record, in append order. */
  records():
    | Iterable<RecordLike>
    | AsyncIterable<RecordLike>
    | Promise<Iterable<RecordLike> | AsyncIterable<RecordLike>>;
}

/** Opens (creating if needed) the store of a run folder; throws `SamqError("incompatible")` for a store
 * written by an incompatible version. */
export type OpenStore = (dir: string) => Promise<RunStoreLike> | RunStoreLike;

/** Reads every record of `store` into an array (append order). */
export async function collectRecords(store: RunStoreLike): Promise<RecordLike[]> {
  const src = await store.records();
  const out: RecordLike[] = [];
  for await (const r of src) out.push(r);
  return out;
}
