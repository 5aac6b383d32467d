/**
 * COCO evaluation with pycocotools' numbers:
 *
 *   deno run -A cli/cocoeval.ts --gt GT.json --results RES.json --iou-type segm|bbox
 *     [--use-cats 0|1] [--max-dets 1,10,100] [--json]
 *
 * Without --json prints pycocotools' 12-line summary; with --json prints only
 * {"stats":[12 numbers],"perCategory":{"<category id>": AP, ...},"ignoredResults":N} on stdout, where N
 * counts the results whose category_id is not a GT category (ignored, as pycocotools does). Flags carry
 * no defaults: unset options fall back to the library's (pycocotools') defaults.
 *
 * Warnings (one line each on stderr, `warning: …`): results of unknown categories were ignored; the results
 * list is empty (pycocotools raises IndexError there; samq scores it as "nothing detected").
 *
 * @module
 */
import { parseArgs } from "node:util";
import { logLine, runCli } from "../util/cli.ts";
import { SamqError } from "../util/errors.ts";
import { readJsonFile } from "../util/fs.ts";
import {
  accumulate,
  type CocoEvalOptions,
  type CocoResults,
  evaluate,
  formatSummary,
  IOU_TYPES,
  type IouType,
  loadCocoGt,
  loadResults,
  perCategoryAp,
  resolveParams,
  summarize,
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
  const gt = loadCocoGt(await readJson(values.gt), { path: values.gt });
  const params = resolveParams(gt, options);
  const dt = loadResults(gt, await readJson(values.results), params.iouType, { path: values.results });
  for (const w of resultWarnings(dt, values.results)) logLine(`warning: ${w}`);
  const acc = accumulate(evaluate(gt, dt, params));
  const summary = summarize(acc, params);
  if (values.json) {
    const out = {
      stats: summary.stats,
      perCategory: perCategoryAp(acc, params),
      ignoredResults: dt.unknownCategoryCount,
    };
    // deno-lint-ignore no-console
    console.log(JSON.stringify(out));
  } else {
    // deno-lint-ignore no-console
    console.log(formatSummary(summary, params.iouThrs));
  }
}

/** What the user should know about the loaded results (each one line). */
function resultWarnings(dt: CocoResults, path: string): string[] {
  const w: string[] = [];
  if (dt.n === 0) {
    w.push(
      `"${path}" has no results: scored as "nothing detected" (AP = AR = 0 where the GT has objects); ` +
        "pycocotools raises IndexError on an empty list",
    );
  }
  const k = dt.unknownCategoryCount;
  if (k > 0) {
    const ids = dt.unknownCategoryIds;
    const shown = ids.length <= 10 ? ids.join(", ") : `${ids.slice(0, 10).join(", ")}, … (${ids.length} ids)`;
    w.push(
      `ignored ${k} of ${dt.n} result(s) in "${path}" whose category_id is not a ground-truth category ` +
        `(${shown}), as pycocotools does`,
    );
  }
  return w;
}

/** `readJsonFile`, with the parser's message (which may quote several lines of the file) on one line. */
async function readJson(path: string): Promise<unknown> {
  try {
    return await readJsonFile(path);
  } catch (e) {
    if (!(e instanceof SamqError) || !/[\r\n]/.test(e.message)) throw e;
    throw new SamqError(e.code, e.message.replace(/\s*[\r\n]+\s*/g, " "), {
      ...(e.path === undefined ? {} : { path: e.path }),
      ...(e.field === undefined ? {} : { field: e.field }),
      cause: e,
    });
  }
}

if (import.meta.main) await runCli(main);
