/**
 * `deno task predict --model M --image FILE (--point x,y ... [--neg-point x,y ...] | --box x0,y0,x1,y1)
 *  --out DIR [--ep auto|cpu|webgpu|cuda]`
 *
 * Writes `<stem>.mask.png` (0/255), `<stem>.overlay.png` (mask and prompts over the image) and
 * `<stem>.json` (score, area, COCO bbox XYWH with inclusive pixel extent, prompts, model, EP).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, extname, join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { logLine, runCli } from "../util/cli.ts";
import { exists, writeFileAtomic } from "../util/fs.ts";
import { parseEpChoice, resolveExecutionProvider } from "../runtime/execution_provider.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { SamPredictor } from "../sam/predictor.ts";
import { readImageRgb } from "../image/read_image_rgb.ts";
import { writeMaskPng } from "../image/write_mask_png.ts";
import { writeOverlayPng } from "../image/write_overlay_png.ts";
import { maskToBoxXyxyInclusive } from "../mask/mask_to_box.ts";
import { maskArea } from "../mask/mask_area.ts";
import { parseBox, parsePoint } from "./_args.ts";

const USAGE =
  "usage: deno task predict --model M --image FILE (--point x,y [--neg-point x,y] | --box x0,y0,x1,y1) --out DIR [--ep auto|cpu|webgpu|cuda]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      model: { type: "string" },
      image: { type: "string" },
      point: { type: "string", multiple: true },
      "neg-point": { type: "string", multiple: true },
      box: { type: "string" },
      out: { type: "string" },
      ep: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return logLine(USAGE);
  for (const f of ["model", "image", "out"] as const) {
    if (!values[f]) {
      throw new SamqError("invalid_argument", `Cannot predict: --${f} is required (see --help)`, {
        field: f,
      });
    }
  }
  const pos = (values.point ?? []).map((p) => parsePoint(p));
  const neg = (values["neg-point"] ?? []).map((p) => parsePoint(p, "neg-point"));
  const box = values.box ? parseBox(values.box) : undefined;
  if (pos.length + neg.length === 0 && !box) {
    throw new SamqError("invalid_argument", `Cannot predict: give --point or --box (see --help)`, {
      field: "point",
    });
  }
  const ep = await resolveExecutionProvider(parseEpChoice(values.ep ?? "auto"));
  const model = await loadModelDir(values.model as string);
  const image = await readImageRgb(values.image as string);
  const predictor = await SamPredictor.open(model, { ep: ep.ep });
  try {
    await predictor.setImage(image);
    const points = [...pos, ...neg];
    const labels = [...pos.map(() => 1), ...neg.map(() => 0)];
    const pred = await predictor.predict({
      ...(points.length ? { points, labels } : {}),
      ...(box ? { box } : {}),
    });
    const out = values.out as string;
    const stem = basename(values.image as string, extname(values.image as string));
    const area = maskArea(pred.mask);
    const [x0, y0, x1, y1] = maskToBoxXyxyInclusive(pred.mask, image.h, image.w);
    const bbox = area > 0 ? [x0, y0, x1 - x0 + 1, y1 - y0 + 1] : [0, 0, 0, 0];
    const record = {
      image: values.image,
      size: { h: image.h, w: image.w },
      model: { name: model.config.name, dir: model.dir, sha256: model.config.sha256 },
      ep: ep.ep,
      prompt: { points, labels, box: box ?? null },
      score: pred.score,
      token: pred.token,
      allScores: Array.from(pred.raw.iou),
      area,
      bboxXywh: bbox,
    };
    await writeAllOrNothing(out, async (dir) => {
      await writeMaskPng(pred.mask, image.h, image.w, join(dir, `${stem}.mask.png`));
      await writeOverlayPng(
        image.data,
        image.h,
        image.w,
        [{ mask: pred.mask, color: [30, 144, 255] }],
        join(dir, `${stem}.overlay.png`),
        {
          points: points.map(([x, y], i) => ({ x, y, label: labels[i] as number })),
          boxes: box ? [box] : [],
        },
      );
      await writeFileAtomic(join(dir, `${stem}.json`), JSON.stringify(record, null, 2) + "\n");
    });
    logLine(
      `${stem}: score ${pred.score.toFixed(4)}, area ${area}, bbox [${
        bbox.join(", ")
      }] → ${out} (ep ${ep.ep})`,
    );
  } finally {
    await predictor.release();
  }
}

/**
 * Writes the files into a staging folder inside `out`, then renames each into place, so that a failure
 * (a full disk, an unwritable folder) leaves neither some of the files nor a new empty `out` behind.
 */
async function writeAllOrNothing(out: string, write: (dir: string) => Promise<void>): Promise<void> {
  const stage = join(out, `.predict-${Deno.pid}-${Date.now()}.tmp`);
  let created = false;
  try {
    created = !(await exists(out));
    await Deno.mkdir(stage, { recursive: true });
    await write(stage);
    for await (const e of Deno.readDir(stage)) await Deno.rename(join(stage, e.name), join(out, e.name));
  } catch (e) {
    await Deno.remove(created ? out : stage, { recursive: true }).catch(() => undefined);
    const why = e instanceof SamqError && e.cause instanceof Error ? e.cause.message : (e as Error).message;
    throw new SamqError("io", `Cannot write the prediction to "${out}": ${why}`, { path: out, cause: e });
  }
  await Deno.remove(stage, { recursive: true });
}

if (import.meta.main) await runCli(main);
