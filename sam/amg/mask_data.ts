/**
 * `MaskData`: the typed struct-of-arrays the AMG loop passes between its phases (SA `MaskData`, typed).
 *
 * Every per-mask field has one entry (or a fixed-size group) per mask, in the same order. Fields that a
 * phase has not computed yet (or has dropped to save memory, like the logits after binarisation) are
 * `null`. Every filter step goes through {@link MaskData.filter}; batches are joined with
 * {@link MaskData.concat}; fields are replaced with {@link MaskData.with} (the object is immutable).
 *
 * @module
 */
import type { Rle } from "../../mask/mod.ts";

/** The fields of a {@link MaskData}. */
export interface MaskDataFields {
  /** Height of the mask planes (`logits`, `masks`), usually the crop height. */
  planeH: number;
  /** Width of the mask planes. */
  planeW: number;
  /** count×planeH×planeW float32 logits, or null once dropped. */
  logits: Float32Array | null;
  /** count×planeH×planeW 0/1 masks, or null. */
  masks: Uint8Array | null;
  /** count predicted IoUs. */
  iouPreds: Float32Array;
  /** count stability scores, or null before they are computed. */
  stabilityScores: Float32Array | null;
  /** count×2 (x, y) prompt points in pixels. */
  points: Float64Array;
  /** count×4 inclusive XYXY boxes, or null before they are computed. */
  boxes: Int32Array | null;
  /** count RLEs (image frame), or null before encoding. */
  rles: readonly Rle[] | null;
  /** count×4 XYXY crop boxes, or null before they are recorded. */
  cropBoxes: Int32Array | null;
}

type PerMaskKey = Exclude<keyof MaskDataFields, "planeH" | "planeW">;
const KEYS: readonly PerMaskKey[] = [
  "logits",
  "masks",
  "iouPreds",
  "stabilityScores",
  "points",
  "boxes",
  "rles",
  "cropBoxes",
];

/**
 * Which masks to keep: a `Uint8Array` of `count` 0/1 flags (order kept), or an `Int32Array` of indices
 * (the result follows the index order, e.g. NMS's descending-score order).
 */
export type MaskKeep = Uint8Array | Int32Array;

type Arr = Float32Array | Uint8Array | Float64Array | Int32Array;

/** Immutable batch of mask candidates. */
export class MaskData implements MaskDataFields {
  readonly count: number;
  readonly planeH: number;
  readonly planeW: number;
  readonly logits: Float32Array | null;
  readonly masks: Uint8Array | null;
  readonly iouPreds: Float32Array;
  readonly stabilityScores: Float32Array | null;
  readonly points: Float64Array;
  readonly boxes: Int32Array | null;
  readonly rles: readonly Rle[] | null;
  readonly cropBoxes: Int32Array | null;

  /**
   * Wraps the fields; `count` is `iouPreds.length`.
   * @throws {RangeError} When a field's length does not match `count`.
   */
  constructor(fields: MaskDataFields) {
    this.count = fields.iouPreds.length;
    this.planeH = fields.planeH;
    this.planeW = fields.planeW;
    this.logits = fields.logits;
    this.masks = fields.masks;
    this.iouPreds = fields.iouPreds;
    this.stabilityScores = fields.stabilityScores;
    this.points = fields.points;
    this.boxes = fields.boxes;
    this.rles = fields.rles;
    this.cropBoxes = fields.cropBoxes;
    for (const key of KEYS) {
      const v = this[key];
      if (v !== null && v.length !== this.count * this.groupSize(key)) {
        throw new RangeError(
          `Cannot build MaskData: field "${key}" has ${v.length} values, expected ${
            this.count * this.groupSize(key)
          }`,
        );
      }
    }
  }

  /** An empty batch (identity of {@link MaskData.concat}). */
  static empty(): MaskData {
    return new MaskData({
      planeH: 0,
      planeW: 0,
      logits: null,
      masks: null,
      iouPreds: new Float32Array(0),
      stabilityScores: null,
      points: new Float64Array(0),
      boxes: null,
      rles: null,
      cropBoxes: null,
    });
  }

  private groupSize(key: PerMaskKey): number {
    switch (key) {
      case "logits":
      case "masks":
        return this.planeH * this.planeW;
      case "points":
        return 2;
      case "boxes":
      case "cropBoxes":
        return 4;
      default:
        return 1;
    }
  }

  private fields(): MaskDataFields {
    const { planeH, planeW, logits, masks, iouPreds, stabilityScores, points, boxes, rles, cropBoxes } = this;
    return { planeH, planeW, logits, masks, iouPreds, stabilityScores, points, boxes, rles, cropBoxes };
  }

  /** Returns a copy with some fields replaced (lengths are re-validated). */
  with(fields: Partial<MaskDataFields>): MaskData {
    return new MaskData({ ...this.fields(), ...fields });
  }

  /**
   * Keeps a subset of the masks in every field.
   *
   * @param keep 0/1 flags (Uint8Array, length `count`) or indices (Int32Array, result in index order).
   * @returns A new MaskData.
   */
  filter(keep: MaskKeep): MaskData {
    let idx: Int32Array;
    if (keep instanceof Int32Array) {
      idx = keep;
    } else {
      if (keep.length !== this.count) {
        throw new RangeError(`Cannot filter MaskData: ${keep.length} flags for ${this.count} masks`);
      }
      const list: number[] = [];
      keep.forEach((k, i) => k && list.push(i));
      idx = Int32Array.from(list);
    }
    const out: MaskDataFields = this.fields();
    for (const key of KEYS) {
      const v = this[key];
      if (v === null) continue;
      if (key === "rles") {
        out.rles = Array.from(idx, (i) => (v as readonly Rle[])[i]!);
        continue;
      }
      const g = this.groupSize(key);
      const src = v as Arr;
      const dst = new (src.constructor as new (n: number) => Arr)(idx.length * g);
      idx.forEach((i, j) => {
        if (i < 0 || i >= this.count) throw new RangeError(`Cannot filter MaskData: index ${i} out of range`);
        dst.set(src.subarray(i * g, (i + 1) * g), j * g);
      });
      (out as unknown as Record<PerMaskKey, unknown>)[key] = dst;
    }
    return new MaskData(out);
  }

  /**
   * Appends `other` after this batch. Both must have the same fields set (null or not) and, where mask
   * planes are present, the same plane size; an empty batch is the identity.
   */
  concat(other: MaskData): MaskData {
    if (other.count === 0) return this;
    if (this.count === 0) return other;
    const out: MaskDataFields = this.fields();
    for (const key of KEYS) {
      const a = this[key], b = other[key];
      if ((a === null) !== (b === null)) {
        throw new RangeError(`Cannot concat MaskData: field "${key}" is set in only one batch`);
      }
      if (a === null || b === null) continue;
      if (
        (key === "logits" || key === "masks") &&
        (this.planeH !== other.planeH || this.planeW !== other.planeW)
      ) {
        throw new RangeError(`Cannot concat MaskData: plane sizes differ in field "${key}"`);
      }
      if (key === "rles") {
        out.rles = [...(a as readonly Rle[]), ...(b as readonly Rle[])];
        continue;
      }
      const src = a as Arr;
      const dst = new (src.constructor as new (n: number) => Arr)(src.length + b.length);
      dst.set(src, 0);
      dst.set(b as Arr, src.length);
      (out as unknown as Record<PerMaskKey, unknown>)[key] = dst;
    }
    return new MaskData(out);
  }
}
