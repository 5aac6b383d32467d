/**
 * Internal: iterate a row-major tensor as contiguous runs of one channel, and the per-observer channel
 * bookkeeping (the channel count is fixed by the first batch). Not re-exported.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { channelLayout } from "../_layout.ts";

/** Calls `fn(channel, start, end)` for every contiguous run [start, end) of one channel of a tensor. */
export function forEachChannelRun(
  length: number,
  shape: readonly number[],
  axis: number | undefined,
  fn: (channel: number, start: number, end: number) => void,
): void {
  const { size, channels, inner } = channelLayout(length, shape, axis);
  if (axis === undefined) {
    if (size > 0) fn(0, 0, size);
    return;
  }
  for (let start = 0, c = 0; start < size; start += inner, c = (c + 1) % channels) {
    fn(c, start, start + inner);
  }
}

/** Channel bookkeeping of one observer. */
export interface ChannelTracker {
  /**
   * Checks a batch; returns its channel count C and elements per channel, and calls `allocate(C)` on the
   * first batch. Throws `SamqError("invalid_argument")` when C changes.
   */
  begin(length: number, shape: readonly number[]): { channels: number; perChannel: number };
  /** Number of batches begun. */
  batches(): number;
  /** Elements seen per channel. */
  count(): number;
}

/** Creates a {@link ChannelTracker} for `axis`; `allocate` runs once with the channel count. */
export function channelTracker(
  axis: number | undefined,
  allocate: (channels: number) => void,
): ChannelTracker {
  let known: number | undefined;
  let batches = 0;
  let count = 0;
  return {
    begin(length, shape) {
      const { size, channels } = channelLayout(length, shape, axis);
      if (known === undefined) {
        known = channels;
        allocate(channels);
      } else if (known !== channels) {
        throw new SamqError("invalid_argument", `Cannot observe ${channels} channels after ${known}`, {
          field: "shape",
        });
      }
      batches++;
      const perChannel = channels === 0 ? 0 : size / channels;
      count += perChannel;
      return { channels, perChannel };
    },
    batches: () => batches,
    count: () => count,
  };
}

/** Throws when `finalize()` is called before any data. */
export function requireData(count: number): void {
  if (count === 0) {
    throw new SamqError("invalid_argument", "Cannot finalize an observer that has observed no data", {
      field: "observe",
    });
  }
}
