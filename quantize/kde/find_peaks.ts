/**
 * Peak finding with `scipy.signal.find_peaks` semantics for the `height` and `distance` arguments:
 *
 * - a peak is a strict local maximum, x[i−1] < x[i] > x[i+1]; a flat top x[i−1] < x[i] = … = x[j] > x[j+1]
 *   is one peak at its middle index ⌊(i + j)/2⌋; the first and last samples are never peaks;
 * - `height`: keep peaks with x[p] ≥ height;
 * - `distance`: visit peaks from the highest down and drop every not-yet-visited peak closer than
 *   ⌈distance⌉ samples. Exact height ties go to the later index (scipy's unstable argsort may order
 *   exact ties differently; KDE curves practically never tie).
 *
 * @module
 */
import { check } from "../_layout.ts";

/** Options of {@link findPeaks}. */
export interface FindPeaksOptions {
  /** Minimum peak height. @default undefined (no height filter) */
  height?: number;
  /** Minimum horizontal distance (≥ 1) between kept peaks, in samples. @default undefined (no filter) */
  distance?: number;
}

/** Indices of the peaks of `x`, ascending. */
export function findPeaks(x: ArrayLike<number>, options: FindPeaksOptions = {}): number[] {
  const { height, distance } = options;
  check(
    distance === undefined || distance >= 1,
    "distance",
    `Cannot use distance ${distance}: it must be >= 1`,
  );
  let peaks: number[] = [];
  const n = x.length;
  let i = 1;
  while (i < n - 1) {
    if (x[i - 1]! < x[i]!) {
      let ahead = i + 1;
      while (ahead < n - 1 && x[ahead] === x[i]) ahead++;
      if (x[ahead]! < x[i]!) {
        peaks.push((i + ahead - 1) >> 1);
        i = ahead;
        continue;
      }
    }
    i++;
  }
  if (height !== undefined) peaks = peaks.filter((p) => x[p]! >= height);
  if (distance !== undefined && peaks.length > 1) {
    const d = Math.ceil(distance);
    const keep = peaks.map(() => true);
    const order = peaks.map((_, k) => k).sort((a, b) => x[peaks[a]!]! - x[peaks[b]!]! || a - b);
    for (let r = order.length - 1; r >= 0; r--) {
      const j = order[r]!;
      if (!keep[j]) continue;
      for (let k = j - 1; k >= 0 && peaks[j]! - peaks[k]! < d; k--) keep[k] = false;
      for (let k = j + 1; k < peaks.length && peaks[k]! - peaks[j]! < d; k++) keep[k] = false;
    }
    peaks = peaks.filter((_, k) => keep[k]);
  }
  return peaks;
}
