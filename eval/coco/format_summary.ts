/**
 * pycocotools' 12-line summary text, character for character:
 * ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.504`.
 *
 * Python's `{:0.3f}` rounds the exact binary value half-to-even; JS `toFixed` breaks exact ties upwards,
 * so exact ties (e.g. 0.0625) are rounded half-to-even here.
 *
 * @module
 */
import type { CocoSummary } from "./summarize.ts";

/** Python `'{:0.Nf}'.format(x)`. */
export function formatFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  const scaled = x * 10 ** digits;
  if (Math.abs(scaled % 1) === 0.5 && Math.abs(scaled) < 2 ** 52) {
    const down = Math.trunc(scaled); // the candidate nearer zero
    const even = down % 2 === 0 ? down : down + Math.sign(scaled);
    return (even / 10 ** digits).toFixed(digits);
  }
  return s;
}

/** Formats the summary as pycocotools prints it (12 lines, joined with "\n", no trailing newline). */
export function formatSummary(summary: CocoSummary, iouThrs: readonly number[]): string {
  return summary.rows.map((r) => {
    const title = (r.metric === "AP" ? "Average Precision" : "Average Recall").padEnd(18);
    const type = r.metric === "AP" ? "(AP)" : "(AR)";
    const iou = r.iouThr === null
      ? `${formatFixed(iouThrs[0]!, 2)}:${formatFixed(iouThrs[iouThrs.length - 1]!, 2)}`
      : formatFixed(r.iouThr, 2);
    return ` ${title} ${type} @[ IoU=${iou.padEnd(9)} | area=${r.areaRng.padStart(6)} | maxDets=${
      String(r.maxDets).padStart(3)
    } ] = ${formatFixed(r.value, 3)}`;
  }).join("\n");
}
