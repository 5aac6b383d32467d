/**
 * Pieces the perf benchmarks share: the images they time on, the median they report, integer flags.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { sharedDataDir } from "../util/paths.ts";

/** The first `n` coco-tiny val images when present, else `n` generated synthetic scenes. */
export async function imagePaths(n: number): Promise<string[]> {
  const dir = join(sharedDataDir(), "coco-tiny", "val2017");
  if (await exists(dir)) {
    return [...Deno.readDirSync(dir)].map((e) => join(dir, e.name)).filter((p) => p.endsWith(".jpg")).sort()
      .slice(0, n);
  }
  const { openDataset } = await import("../datasets/mod.ts");
  const ds = await openDataset(`synthetic:seed=7,n=${n},size=640`);
  const out: string[] = [];
  for await (const s of ds.samples()) out.push(s.path);
  return out;
}

/** Median (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** An integer flag ≥ `min` of `deno task perf <command>`, or `fallback` when absent. */
export function intFlag(
  command: string,
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new SamqError(
      "invalid_argument",
      `Cannot run perf ${command}: --${name} must be an integer ≥ ${min}`,
      {
        field: name,
      },
    );
  }
  return n;
}
