/**
 * Greedy box non-maximum suppression (spec §A3.2 step 10; torchvision `nms` CPU kernel, as used by SA's
 * `batched_nms` with a single class).
 *
 * Boxes are sorted by score descending with a **stable** sort (ties keep input order); each kept box
 * suppresses every later box whose IoU with it is strictly greater than `iouThresh`. Box area is
 * (x2 − x1)·(y2 − y1) on the given coordinates — with SA's inclusive mask boxes a 1-pixel mask has
 * area 0 — and IoU = inter / (a1 + a2 − inter), where 0/0 (two zero-area boxes) is NaN and never
 * suppresses. Arithmetic is rounded to float32 after each step, as torchvision does on SA's float32 boxes,
 * so threshold ties resolve the same way.
 *
 * @module
 */

const f32 = Math.fround;

/**
 * Runs greedy NMS.
 *
 * @param boxes count×4 XYXY boxes.
 * @param scores count scores (higher is better).
 * @param iouThresh Suppress when IoU > iouThresh.
 * @returns Int32Array of kept indices, in descending-score order.
 *
 * @example Usage
 * ```ts
 * import { boxNms } from "./box_nms.ts";
 * boxNms(new Int32Array([0, 0, 10, 10, 1, 1, 10, 10, 20, 20, 30, 30]), new Float32Array([0.9, 0.8, 0.7]), 0.7);
 * // Int32Array [0, 2]
 * ```
 */
export function boxNms(
  boxes: Int32Array | Float32Array | Float64Array,
  scores: Float32Array | Float64Array,
  iouThresh: number,
): Int32Array {
  const count = scores.length;
  if (boxes.length !== count * 4) {
    throw new RangeError(`Cannot run NMS: ${count} scores but ${boxes.length / 4} boxes`);
  }
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]!); // Array.prototype.sort is stable (ES2019)
  const areas = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    areas[i] = f32(f32(boxes[i * 4 + 2]! - boxes[i * 4]!) * f32(boxes[i * 4 + 3]! - boxes[i * 4 + 1]!));
  }
  const suppressed = new Uint8Array(count);
  const keep: number[] = [];
  for (let a = 0; a < count; a++) {
    const i = order[a]!;
    if (suppressed[i]) continue;
    keep.push(i);
    const ix1 = boxes[i * 4]!, iy1 = boxes[i * 4 + 1]!, ix2 = boxes[i * 4 + 2]!, iy2 = boxes[i * 4 + 3]!;
    const iarea = areas[i]!;
    for (let b = a + 1; b < count; b++) {
      const j = order[b]!;
      if (suppressed[j]) continue;
      const w = Math.max(0, f32(Math.min(ix2, boxes[j * 4 + 2]!) - Math.max(ix1, boxes[j * 4]!)));
      const h = Math.max(0, f32(Math.min(iy2, boxes[j * 4 + 3]!) - Math.max(iy1, boxes[j * 4 + 1]!)));
      const inter = f32(w * h);
      const ovr = f32(inter / f32(f32(iarea + areas[j]!) - inter));
      if (ovr > iouThresh) suppressed[j] = 1;
    }
  }
  return Int32Array.from(keep);
}
