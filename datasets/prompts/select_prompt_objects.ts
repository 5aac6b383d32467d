/**
 * Which objects of an image get a point or box prompt (spec §A4.1; DESIGN §3): crowd objects are skipped
 * when `skipCrowd` (they stay in the GT for mAP), and objects whose stored area is below `minArea` are
 * skipped (EV skips area < 1). Order is annotation-file order.
 *
 * @module
 */
import type { DatasetObject } from "../dataset.ts";
import type { PromptProtocolOptions } from "./prompt_protocol_options.ts";

/**
 * Filters the objects that are prompted.
 *
 * @param objects The image's objects.
 * @param options Resolved prompt options (`skipCrowd`, `minArea`).
 * @returns The prompted objects, in order.
 */
export function selectPromptObjects(
  objects: readonly DatasetObject[],
  options: Pick<PromptProtocolOptions, "skipCrowd" | "minArea">,
): DatasetObject[] {
  return objects.filter((o) => !(options.skipCrowd && o.iscrowd) && o.area >= options.minArea);
}
