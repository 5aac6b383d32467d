import assert from "node:assert/strict";
import { generateCropBoxes } from "./generate_crop_boxes.ts";

Deno.test("generateCropBoxes() matches the §D vector for a 2250×1500 image with 2 layers", () => {
  const { boxes, layerIdxs } = generateCropBoxes(1500, 2250, 2, 512 / 1500);
  assert.equal(boxes.length, 21);
  assert.deepEqual(boxes[0], [0, 0, 2250, 1500]);
  assert.deepEqual(boxes.slice(1, 5), [
    [0, 0, 1381, 1006],
    [0, 494, 1381, 1500],
    [869, 0, 2250, 1006],
    [869, 494, 2250, 1500],
  ]);
  assert.deepEqual(boxes.slice(5, 8), [[0, 0, 755, 567], [0, 311, 755, 878], [0, 622, 755, 1189]]);
  assert.deepEqual(layerIdxs, [0, 1, 1, 1, 1, ...Array(16).fill(2)]);
});

Deno.test("generateCropBoxes() returns only the full image when nLayers = 0", () => {
  assert.deepEqual(generateCropBoxes(480, 640, 0, 512 / 1500), { boxes: [[0, 0, 640, 480]], layerIdxs: [0] });
});
