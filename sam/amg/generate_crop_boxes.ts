/**
 * Crop boxes of the AMG crop layers (spec §A3.2 step 2, SA `generate_crop_boxes`).
 *
 * Layer 0 is the whole image [0, 0, W, H]. Layer i ≥ 1 has k = 2^i crops per side:
 * overlap = int(ratio·min(H, W)·2/k); crop_w = ceil((overlap·(k − 1) + W)/k) (crop_h likewise);
 * starts x0_j = int((crop_w − overlap)·j); box = [x0, y0, min(x0 + crop_w, W), min(y0 + crop_h, H)],
 * enumerated with x0 outer and y0 inner. Boxes are XYXY with exclusive ends, in integer pixels.
 *
 * @module
 */

/** A box [x0, y0, x1, y1] in pixels. */
export type BoxXyxy = readonly [number, number, number, number];

/** Crop boxes with the layer each belongs to. */
export interface CropBoxes {
  /** XYXY boxes (exclusive ends), layer 0 first. */
  boxes: BoxXyxy[];
  /** Layer index of each box (0 = the full image). */
  layerIdxs: number[];
}

/**
 * Generates the crop boxes of all layers.
 *
 * @param imH Image height in pixels.
 * @param imW Image width in pixels.
 * @param nLayers Number of extra crop layers (0 = only the full image).
 * @param overlapRatio Overlap of layer 1 as a fraction of the short side (SA default 512/1500).
 * @returns The boxes and their layer indices, 1 + 4 + 16 + … entries.
 *
 * @example Usage
 * ```ts
 * import { generateCropBoxes } from "./generate_crop_boxes.ts";
 * generateCropBoxes(1500, 2250, 1, 512 / 1500).boxes[1]; // [0, 0, 1381, 1006]
 * ```
 */
export function generateCropBoxes(
  imH: number,
  imW: number,
  nLayers: number,
  overlapRatio: number,
): CropBoxes {
  const boxes: BoxXyxy[] = [[0, 0, imW, imH]];
  const layerIdxs = [0];
  const shortSide = Math.min(imH, imW);
  const cropLen = (origLen: number, nCrops: number, overlap: number) =>
    Math.trunc(Math.ceil((overlap * (nCrops - 1) + origLen) / nCrops));
  for (let layer = 0; layer < nLayers; layer++) {
    const k = 2 ** (layer + 1);
    const overlap = Math.trunc(overlapRatio * shortSide * (2 / k));
    const cropW = cropLen(imW, k, overlap);
    const cropH = cropLen(imH, k, overlap);
    for (let i = 0; i < k; i++) {
      const x0 = Math.trunc((cropW - overlap) * i);
      for (let j = 0; j < k; j++) {
        const y0 = Math.trunc((cropH - overlap) * j);
        boxes.push([x0, y0, Math.min(x0 + cropW, imW), Math.min(y0 + cropH, imH)]);
        layerIdxs.push(layer + 1);
      }
    }
  }
  return { boxes, layerIdxs };
}
