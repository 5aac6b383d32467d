/**
 * Internal helpers shared by the quantize math modules: shape checks and the per-channel layout of a
 * row-major (C-order) tensor. Not re-exported.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/** Row-major layout of a tensor seen as [outer, channels, inner] around `axis`. */
export interface ChannelLayout {
  /** Number of elements. */
  size: number;
  /** Number of channels (1 when `axis` is undefined). */
  channels: number;
  /** Product of the dims after `axis` (elements of one channel that are contiguous). */
  inner: number;
}

/** Number of elements of `shape`; throws `SamqError("invalid_argument")` on a bad dim. */
export function shapeSize(shape: readonly number[], field = "shape"): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new SamqError(
        "invalid_argument",
        `Cannot use shape [${shape.join(", ")}]: dims must be integers >= 0`,
        {
          field,
        },
      );
    }
    n *= d;
  }
  return n;
}

/**
 * Layout of `shape` split at `axis` (undefined: per-tensor, one channel). Element `i` belongs to channel
 * `Math.floor(i / inner) % channels`. Checks `length === size`.
 */
export function channelLayout(length: number, shape: readonly number[], axis?: number): ChannelLayout {
  const size = shapeSize(shape);
  if (size !== length) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use shape [${shape.join(", ")}]: it has ${size} elements but the data has ${length}`,
      { field: "shape" },
    );
  }
  if (axis === undefined) return { size, channels: 1, inner: size === 0 ? 1 : size };
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new SamqError("invalid_argument", `Cannot use axis ${axis} for a tensor of rank ${shape.length}`, {
      field: "axis",
    });
  }
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return { size, channels: shape[axis]!, inner };
}

/** Throws `SamqError("invalid_argument")` naming `field` unless `cond` holds. */
export function check(cond: boolean, field: string, message: string): asserts cond {
  if (!cond) throw new SamqError("invalid_argument", message, { field });
}
