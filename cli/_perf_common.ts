/**
 * Pieces the perf benchmarks share: the images they time on and the median they report.
 *
 * @module
 */
import { join } from "node:path";
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
