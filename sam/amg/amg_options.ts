/**
 * Options of the automatic mask generator (AMG) with SAM's defaults (spec §A3.1, SA
 * `SamAutomaticMaskGenerator.__init__`). The defaults live only in {@link AMG_DEFAULTS}; the CLI forwards
 * only the flags a user set and {@link resolveAmgOptions} merges and validates them.
 *
 * SA notes that these defaults were "chosen for SAM with a ViT-H backbone".
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Output formats of the AMG records (SA `output_mode`). */
export const AMG_OUTPUT_MODES = ["binary_mask", "uncompressed_rle", "coco_rle"] as const;
/** One of {@link AMG_OUTPUT_MODES}. */
export type AmgOutputMode = typeof AMG_OUTPUT_MODES[number];

/** Every knob of the automatic mask generator. */
export interface AmgOptions {
  /**
   * Points per side of the layer-0 grid (n×n points per crop). Exactly one of `pointsPerSide` and
   * `pointGrids` is set.
   * @default 32
   */
  pointsPerSide: number | null;
  /**
   * Prompts per decoder batch (one decoder run each where the decoder batches prompts); each point yields
   * 3 masks. Bounds the decoder's memory (about P·32·256² floats of upscaling activations plus P·C·256²
   * low-res logits); the records do not depend on it.
   * @default 64
   */
  pointsPerBatch: number;
  /**
   * Keep a mask when its predicted IoU is strictly greater than this; ≤ 0 disables the filter.
   * @default 0.88
   */
  predIouThresh: number;
  /**
   * Keep a mask when its stability score is ≥ this; ≤ 0 disables the filter.
   * @default 0.95
   */
  stabilityScoreThresh: number;
  /**
   * Logit offset of the stability score (§A3.2 step 6).
   * @default 1.0
   */
  stabilityScoreOffset: number;
  /**
   * Box-NMS IoU threshold within one crop.
   * @default 0.7
   */
  boxNmsThresh: number;
  /**
   * Extra crop layers; layer i has (2^i)² crops.
   * @default 0
   */
  cropNLayers: number;
  /**
   * Box-NMS IoU threshold between crops.
   * @default 0.7
   */
  cropNmsThresh: number;
  /**
   * Overlap of the layer-1 crops as a fraction of the image's short side.
   * @default 512 / 1500
   */
  cropOverlapRatio: number;
  /**
   * Layer i uses int(pointsPerSide / factor^i) points per side.
   * @default 1
   */
  cropNPointsDownscaleFactor: number;
  /**
   * Explicit normalised grids per layer (each n×2 (x, y) in [0, 1], row-major); one per layer
   * (`cropNLayers + 1`). Exclusive with `pointsPerSide`.
   * @default null
   */
  pointGrids: readonly Float64Array[] | null;
  /**
   * When > 0, holes and islands smaller than this many pixels are removed (§A3.2 step 13).
   * @default 0
   */
  minMaskRegionArea: number;
  /**
   * Format of the output segmentations.
   * @default "binary_mask"
   */
  outputMode: AmgOutputMode;
  /**
   * Logit threshold for binarisation (SA `Sam.mask_threshold`, strict >).
   * @default 0.0
   */
  maskThreshold: number;
}

/** SAM's defaults (spec §A3.1). Frozen; never repeat these literals elsewhere. */
export const AMG_DEFAULTS: Readonly<AmgOptions> = Object.freeze({
  pointsPerSide: 32,
  pointsPerBatch: 64,
  predIouThresh: 0.88,
  stabilityScoreThresh: 0.95,
  stabilityScoreOffset: 1.0,
  boxNmsThresh: 0.7,
  cropNLayers: 0,
  cropNmsThresh: 0.7,
  cropOverlapRatio: 512 / 1500,
  cropNPointsDownscaleFactor: 1,
  pointGrids: null,
  minMaskRegionArea: 0,
  outputMode: "binary_mask",
  maskThreshold: 0.0,
});

function bad(field: string, message: string): SamqError {
  return new SamqError("invalid_argument", `Cannot use AMG option "${field}": ${message}`, { field });
}

function checkInt(o: AmgOptions, field: keyof AmgOptions, min: number): void {
  const v = o[field];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw bad(field, `must be an integer ≥ ${min}, got ${String(v)}`);
  }
}

function checkNumber(o: AmgOptions, field: keyof AmgOptions, lo: number, hi: number): void {
  const v = o[field];
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) {
    throw bad(field, `must be a number in [${lo}, ${hi}], got ${String(v)}`);
  }
}

/**
 * Merges `partial` over {@link AMG_DEFAULTS} and validates the result.
 *
 * Giving `pointGrids` without `pointsPerSide` sets `pointsPerSide` to null (the two are exclusive).
 *
 * @param partial Options the caller set; unset fields take their defaults.
 * @returns A complete, validated options record.
 * @throws {SamqError} `invalid_argument` with `field` naming the option.
 *
 * @example Usage
 * ```ts
 * import { resolveAmgOptions } from "./amg_options.ts";
 * resolveAmgOptions({ pointsPerSide: 16 }).predIouThresh; // 0.88
 * ```
 */
export function resolveAmgOptions(partial: Partial<AmgOptions> = {}): AmgOptions {
  for (const key of Object.keys(partial)) {
    if (!(key in AMG_DEFAULTS)) throw bad(key, "unknown option");
  }
  const o: AmgOptions = { ...AMG_DEFAULTS, ...partial };
  if (partial.pointGrids != null && partial.pointsPerSide === undefined) o.pointsPerSide = null;
  if ((o.pointsPerSide === null) === (o.pointGrids === null)) {
    throw bad("pointsPerSide", "exactly one of pointsPerSide and pointGrids must be set");
  }
  if (o.pointsPerSide !== null) checkInt(o, "pointsPerSide", 1);
  checkInt(o, "pointsPerBatch", 1);
  checkInt(o, "cropNLayers", 0);
  checkInt(o, "cropNPointsDownscaleFactor", 1);
  checkNumber(o, "predIouThresh", -Infinity, Infinity);
  checkNumber(o, "stabilityScoreThresh", -Infinity, Infinity);
  checkNumber(o, "stabilityScoreOffset", 0, Infinity);
  checkNumber(o, "boxNmsThresh", 0, 1);
  checkNumber(o, "cropNmsThresh", 0, 1);
  checkNumber(o, "cropOverlapRatio", 0, 1);
  checkNumber(o, "minMaskRegionArea", 0, Infinity);
  checkNumber(o, "maskThreshold", -Infinity, Infinity);
  if (!(AMG_OUTPUT_MODES as readonly string[]).includes(o.outputMode)) {
    throw bad("outputMode", `must be one of ${AMG_OUTPUT_MODES.join(", ")}, got "${String(o.outputMode)}"`);
  }
  if (o.pointGrids !== null) {
    if (o.pointGrids.length !== o.cropNLayers + 1) {
      throw bad(
        "pointGrids",
        `needs ${o.cropNLayers + 1} grids (cropNLayers + 1), got ${o.pointGrids.length}`,
      );
    }
    o.pointGrids.forEach((g, i) => {
      if (!(g instanceof Float64Array) || g.length % 2 !== 0 || g.some((v) => !(v >= 0 && v <= 1))) {
        throw bad(`pointGrids[${i}]`, "must be a Float64Array of (x, y) pairs in [0, 1]");
      }
    });
  }
  return o;
}
