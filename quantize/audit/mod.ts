/**
 * The quantization audit (spec §14.1): census of `samq.q/` quantizers against the records, activity of
 * every quantizer on real images (≤ 2^b values on the grid), and the folding check (≤ 1e-4 relative).
 *
 * @module
 */
export { auditQuantizedModel } from "./audit_quantized_model.ts";
export type { AuditInput, AuditOptions, AuditResult, QuantizerCensus } from "./audit_quantized_model.ts";
export { checkQuantizerGrids } from "./check_quantizer_grids.ts";
export type { GridCheckOptions, QuantizerCheck } from "./check_quantizer_grids.ts";
export { checkFolding } from "./check_folding.ts";
export type { FoldingCheck, FoldingCheckOptions } from "./check_folding.ts";
export { findGraphQuantizers } from "./find_graph_quantizers.ts";
export type { GraphQuantizers } from "./find_graph_quantizers.ts";
export { offGridReduction } from "./off_grid_reduction.ts";
