/**
 * Reports rendered from run records alone: paper-shaped markdown tables (prompt IoU/Dice, COCO mAP,
 * AR, quantization time, ablations), a manifest, a metric-vs-bits chart and qualitative overlays.
 *
 * @example Usage
 * ```ts ignore
 * import { writeReport } from "./mod.ts";
 * import { openEvalStore } from "../../eval/open_eval_store.ts";
 * const { report } = await writeReport("runs/demo", { openStore: openEvalStore });
 * ```
 *
 * @module
 */
export * from "./manifest_section.ts";
export * from "./metric_vs_bits_svg.ts";
export * from "./render_report.ts";
export * from "./report_record.ts";
export * from "./tables.ts";
export * from "./write_report.ts";
export type { ReportManifest, VariantRow } from "./_layout.ts";
