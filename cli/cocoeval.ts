/**
 * COCO evaluation with pycocotools' numbers:
 *
 *   deno run -A cli/cocoeval.ts --gt GT.json --results RES.json --iou-type segm|bbox
 *     [--use-cats 0|1] [--max-dets 1,10,100] [--json]
 *
 * Without --json prints pycocotools' 12-line summary; with --json prints only
 * {"stats":[12 numbers],"perCategory":{"<category id>": AP, ...}} on stdout. Flags carry no defaults:
 * unset options fall back to the library's (pycocotools') defaults.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runCli } from "../util/cli.ts";
import { SamqError } from "../util/errors.ts";
import { readJsonFile } from "../util/fs.ts";
import {
  type CocoEvalOptions,
  evaluateCoco,
  formatSummary,
  IOU_TYPES,
  type IouType,
  loadCocoGt,
} from "../eval/coco/mod.ts";

const USAGE = `Usage: deno task cocoeval --gt GT.json --results RES.json --iou-type ${IOU_TYPES.join("|")}
       [--use-cats 0|1] [--max-dets 1,10,100] [--json]`;

function bad(field: string, message: string): never {
  throw new SamqError("invalid_argument", `Invalid option "--${field}": ${message} (see --help)`, { field });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      gt: { type: "string" },
      results: { type: "string" },
      "iou-type": { type: "string" },
      "use-cats": { type: "string" },
      "max-dets": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    // deno-lint-ignore no-console
    console.log(USAGE);
    return;
  }
  if (values.gt === undefined) bad("gt", "is required");
  if (values.results === undefined) bad("results", "is required");
  const options: CocoEvalOptions = {};
  const iouType = values["iou-type"];
  if (iouType === undefined) bad("iou-type", "is required");
  if (!(IOU_TYPES as readonly string[]).includes(iouType)) {
    bad("iou-type", `must be one of ${IOU_TYPES.join(", ")}`);
  }
  options.iouType = iouType as IouType;
  const useCats = values["use-cats"];
  if (useCats !== undefined) {
    if (useCats !== "0" && useCats !== "1") bad("use-cats", "must be 0 or 1");
    options.useCats = useCats === "1";
  }
  const maxDets = values["max-dets"];
  if (maxDets !== undefined) {
    const m = maxDets.split(",").map((s) => Number(s.trim()));
    if (m.length < 3 || !m.every((v) => Number.isInteger(v) && v > 0)) {
      bad("max-dets", "must be at least 3 comma-separated positive integers, e.g. 1,10,100");
    }
    options.maxDets = m;
  }
  const gt = loadCocoGt(await readJsonFile(values.gt), { path: values.gt });
  const results = await readJsonFile(values.results);
  let r;
  try {
    r = evaluateCoco(gt, results, options);
  } catch (e) {
    // Errors about the results name the results file.
    if (e instanceof SamqError && e.path === undefined && e.message.includes("results")) {
      throw new SamqError(e.code, `${e.message} (in "${values.results}")`, {
        path: values.results,
        ...(e.field === undefined ? {} : { field: e.field }),
        cause: e,
      });
    }
    throw e;
  }
  // deno-lint-ignore no-console
  if (values.json) console.log(JSON.stringify({ stats: r.stats, perCategory: r.perCategory }));
  // deno-lint-ignore no-console
  else console.log(formatSummary({ stats: r.stats, rows: r.rows, named: r.summary }, r.params.iouThrs));
}

if (import.meta.main) await runCli(main);
