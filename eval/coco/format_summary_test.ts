import { strictEqual } from "node:assert";
import { evaluateCoco, formatFixed, formatSummary } from "./mod.ts";

Deno.test("formatFixed() rounds exact ties half to even like Python", () => {
  strictEqual(formatFixed(0.0625, 3), "0.062");
  strictEqual(formatFixed(0.1875, 3), "0.188");
  strictEqual(formatFixed(0.5045806987249628, 3), "0.505");
  strictEqual(formatFixed(-1, 3), "-1.000");
});

Deno.test("formatSummary() prints pycocotools' 12 lines", () => {
  const gt = {
    images: [{ id: 1, width: 100, height: 100 }],
    categories: [{ id: 1 }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 }],
  };
  const r = evaluateCoco(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 1 }], {
    iouType: "bbox",
    maxDets: [1, 10, 1000],
  });
  const lines = formatSummary({ stats: r.stats, rows: r.rows, named: r.summary }, r.params.iouThrs).split(
    "\n",
  );
  strictEqual(lines.length, 12);
  strictEqual(lines[0], " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = -1.000");
  strictEqual(lines[1], " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=1000 ] = 1.000");
  strictEqual(lines[6], " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000");
  strictEqual(lines[10], " Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=1000 ] = -1.000");
});
