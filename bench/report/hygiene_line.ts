/**
 * The evaluation-hygiene line every report carries (spec §4.5, §14.1): whether every quantizer was
 * active at evaluation, derived only from what the records say about each quantized model — the
 * `quant.json` audit (every recorded quantizer present and on its grid, and no training op in the final
 * graphs) and the evaluation path's gate (no random or drop op in the graphs actually evaluated,
 * `eval/check_evaluated_graphs.ts`). A model whose records lack either is counted as unchecked, and the
 * line then says so instead of claiming it.
 *
 * @module
 */
import type { ReportRecord } from "./report_record.ts";

/** Per quantized model (by `quantId`): the strongest evidence any of its records carries. */
interface Evidence {
  auditPassed: boolean | null;
  auditGraphsClean: boolean | null;
  evalClean: boolean | null;
}

function merge(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a ?? b;
}

/**
 * Renders the line.
 *
 * @param records Every record of the run.
 * @returns One markdown line starting with "Evaluation hygiene:".
 */
export function hygieneLine(records: readonly ReportRecord[]): string {
  const models = new Map<string, Evidence>();
  for (const r of records) {
    if (r.quantId === null) continue;
    const e = models.get(r.quantId) ?? { auditPassed: null, auditGraphsClean: null, evalClean: null };
    e.auditPassed = merge(e.auditPassed, r.audit?.passed ?? null);
    e.auditGraphsClean = merge(e.auditGraphsClean, r.audit?.evaluationGraphsClean ?? null);
    e.evalClean = merge(e.evalClean, r.evaluatedTrainingOps === null ? null : r.evaluatedTrainingOps === 0);
    models.set(r.quantId, e);
  }
  const n = models.size;
  if (n === 0) return "Evaluation hygiene: no quantized model in these records (nothing to check).";
  const all = [...models.values()];
  const count = (f: (e: Evidence) => boolean) => all.filter(f).length;
  const passed = count((e) => e.auditPassed === true);
  const failed = count((e) => e.auditPassed === false);
  const graphsClean = count((e) => e.auditGraphsClean === true || e.evalClean === true);
  const dirty = count((e) => e.auditGraphsClean === false || e.evalClean === false);
  const evalChecked = count((e) => e.evalClean !== null);
  if (passed === n && graphsClean === n && dirty === 0) {
    return `Evaluation hygiene: every quantizer active at evaluation (audit passed for ${n} of ${n} quantized ` +
      `models; no random or drop op in any evaluated graph, checked at evaluation for ${evalChecked} of ${n}).`;
  }
  const parts = [`audit passed for ${passed} of ${n} quantized models`];
  if (failed > 0) parts.push(`${failed} failed it`);
  if (n - passed - failed > 0) parts.push(`${n - passed - failed} without an audit in their records`);
  parts.push(`graphs shown free of random and drop ops for ${graphsClean} of ${n}`);
  if (dirty > 0) parts.push(`${dirty} with a training op`);
  return `Evaluation hygiene: NOT established for every quantized model (${parts.join("; ")}).`;
}
