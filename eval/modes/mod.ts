/**
 * Evaluation modes (DESIGN §3, spec §A4): `point`, `box`, `auto` and `detbox` runners, the one-pass
 * evaluation loop that shares image embeddings across modes and appends one record per mode to a run
 * store, its options, and the table the CLI prints.
 *
 * @module
 */
export * from "./auto_mode.ts";
export * from "./create_image_context.ts";
export * from "./detbox_mode.ts";
export * from "./eval_options.ts";
export * from "./format_eval_table.ts";
export * from "./mode_runner.ts";
export * from "./prompt_mode.ts";
export * from "./run_evaluation.ts";
