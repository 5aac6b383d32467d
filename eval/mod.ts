/**
 * Evaluation: the mode runners and `runEvaluation` (point, box, automatic, detector-box), the typed
 * records they write (`EvalRecord`, a union keyed by `mode`), `parseEvalRecord` and `openEvalStore` to
 * read them back, and the table formatter. COCO evaluation and the metrics have their own modules
 * (`eval/coco`, `eval/metrics`).
 *
 * @module
 */
export * from "./modes/mod.ts";
export * from "./record.ts";
export * from "./record_env.ts";
export * from "./record_key.ts";
export * from "./record_model.ts";
export * from "./parse_eval_record.ts";
export * from "./open_eval_store.ts";
