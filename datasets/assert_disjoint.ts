/**
 * Calibration/evaluation disjointness (DESIGN §3: calibration images are always disjoint from
 * evaluation images).
 *
 * Two keys are available: `"content"` (sha256 of the image file bytes; catches copies under other names
 * and paths) and `"name_size"` (file base name + byte size; path-independent, no hashing). Default
 * "content".
 *
 * @module
 */
import { basename } from "node:path";
import { SamqError } from "../util/errors.ts";
import { sha256File } from "../util/hash.ts";
import type { Dataset } from "./dataset.ts";

/** Options of {@link assertDisjoint}. */
export interface AssertDisjointOptions {
  /**
   * How images are compared.
   * @default "content"
   */
  by?: "content" | "name_size";
}

async function keys(ds: Dataset, by: "content" | "name_size"): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const s of ds.samples()) {
    const key = by === "content"
      ? await sha256File(s.path)
      : `${basename(s.fileName)}:${(await Deno.stat(s.path)).size}`;
    if (!out.has(key)) out.set(key, s.path);
  }
  return out;
}

/**
 * Refuses overlapping calibration and evaluation sets.
 *
 * @param calib Calibration dataset.
 * @param evaluation Evaluation dataset.
 * @param options Comparison key.
 * @returns The number of calibration images checked.
 * @throws {SamqError} `invalid_dataset` (field "calibration") listing up to 5 overlapping files.
 *
 * @example Usage
 * ```ts ignore
 * await assertDisjoint(await openDataset("coco-tiny:train"), await openDataset("coco-tiny:val"));
 * ```
 */
export async function assertDisjoint(
  calib: Dataset,
  evaluation: Dataset,
  options: AssertDisjointOptions = {},
): Promise<number> {
  const by = options.by ?? "content";
  const a = await keys(calib, by);
  const b = await keys(evaluation, by);
  const overlap = [...a.entries()].filter(([k]) => b.has(k)).map(([k, p]) => `"${p}" = "${b.get(k)}"`);
  if (overlap.length > 0) {
    throw new SamqError(
      "invalid_dataset",
      `Cannot calibrate on "${calib.name}": ${overlap.length} image(s) also in evaluation set "${evaluation.name}" (by ${by}): ${
        overlap.slice(0, 5).join(", ")
      }${overlap.length > 5 ? ", …" : ""}`,
      { field: "calibration" },
    );
  }
  return a.size;
}
