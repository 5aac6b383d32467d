/**
 * `deno task quantize --model M --method NAME --bits wXaY --out DIR [--calib SPEC] [--n N] [--ep EP]
 *  [--protocol pq-sam|ptq4sam] [--scope encoder|decoder|both] [--granularity per-tensor|per-channel] [--seed S]
 *  [--eval-data SPEC|none]
 *  [--prompts-per-image K] [--audit-images K] [--include-float-parts] [--set key=value …] [--budget F]
 *  [--force]`
 * and `deno task quantize --list` (methods, then protocols).
 *
 * Flags carry no defaults: only what the user sets is forwarded to `quantizeModel`, whose
 * `QUANTIZE_MODEL_DEFAULTS` are the single source (printed by `--help`). `--set key=value` sets a method
 * option (value parsed as JSON when possible, e.g. `--set percentile=0.999`, `--set percentiles=[0.99,0.999]`).
 * Progress per phase goes to stderr; a failed audit exits 2 after writing the folder.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { SamqError } from "../util/errors.ts";
import { logLine, runCli } from "../util/cli.ts";
import { parseEpChoice } from "../runtime/execution_provider.ts";
import { METHODS } from "../quantize/methods/mod.ts";
import type { Granularity, Scope } from "../quantize/methods/types.ts";
import {
  QUANTIZE_MODEL_DEFAULTS,
  quantizeModel,
  type QuantizeModelOptions,
} from "../quantize/quantize_model.ts";
import type { ProgressEvent } from "../quantize/calibrate/progress.ts";
import { type QuantJson, quantProtocolName } from "../quantize/quant_json.ts";
import { getProtocol, PROTOCOL_NAMES, PROTOCOLS } from "../quantize/protocols.ts";

const FLAGS = {
  model: { type: "string" },
  method: { type: "string" },
  bits: { type: "string" },
  out: { type: "string" },
  calib: { type: "string" },
  protocol: { type: "string" },
  n: { type: "string" },
  ep: { type: "string" },
  scope: { type: "string" },
  granularity: { type: "string" },
  seed: { type: "string" },
  "eval-data": { type: "string" },
  "prompts-per-image": { type: "string" },
  "audit-images": { type: "string" },
  "include-float-parts": { type: "boolean" },
  set: { type: "string", multiple: true },
  budget: { type: "string" },
  force: { type: "boolean" },
  list: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The `--help` text, with the defaults taken from `QUANTIZE_MODEL_DEFAULTS`. */
export function usage(): string {
  const d = QUANTIZE_MODEL_DEFAULTS;
  return [
    "usage: deno task quantize --model M --method NAME --bits wXaY --out DIR [options]",
    "       deno task quantize --list",
    `  --method              one of ${Object.keys(METHODS).join(", ")}`,
    "  --bits                wXaY, X and Y in 2..8 (w8a8, w6a6, w4a4, w2a2, ...)",
    `  --calib SPEC          calibration dataset (default ${d.calib})`,
    `  --protocol P          ${PROTOCOL_NAMES.join("|")}: shared comparison settings (default ${d.protocol})`,
    ...PROTOCOL_NAMES.map((n) => `      ${n}: ${PROTOCOLS[n].summary}`),
    `  --n N                 calibration images (default ${d.n}; ptq4sam pins the first 32)`,
    `  --eval-data SPEC      evaluation set to stay disjoint from, or none (default ${d.evalData})`,
    `  --scope S             auto|encoder|decoder|both (default ${d.scope}: both for the official layout)`,
    "  --granularity G       weights per-tensor|per-channel (default: the protocol's; another is a recorded deviation)",
    `  --seed S              (default ${d.seed})`,
    `  --ep EP               auto|cpu|webgpu|cuda (default ${d.ep})`,
    `  --prompts-per-image K objects prompted per calibration image (default ${d.promptsPerImage})`,
    `  --audit-images K      images the audit runs on (default ${d.auditImages})`,
    `  --include-float-parts also quantize patch embedding, prompt encoder, heads (default ${d.includeFloatParts})`,
    "  --set key=value       method option (see --list), repeatable",
    "  --budget F            learned methods: factor in (0, 1] on the paper's iterations (= --set budget=F)",
    `  --force               replace an existing output folder (default ${d.force})`,
  ].join("\n");
}

function intFlag(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw new SamqError("invalid_argument", `Cannot parse --${name} "${v}": expected an integer`, {
      field: name,
    });
  }
  return n;
}

function parseSet(items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      throw new SamqError("invalid_argument", `Cannot parse --set "${item}": expected key=value`, {
        field: "set",
      });
    }
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch { /* a bare string such as reservoir */ }
    out[item.slice(0, eq)] = value;
  }
  return out;
}

function progressLine(e: ProgressEvent): void {
  logLine(`[${e.phase}] ${e.done}/${e.total}${e.detail ? ` ${e.detail}` : ""}`);
}

function protocolLine(quant: QuantJson): string {
  const d = quant.protocol?.deviations ?? [];
  return `${quantProtocolName(quant)}${d.length === 0 ? "" : ` (deviations: ${d.join("; ")})`}`;
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({ args: Deno.args, options: FLAGS });
  if (v.help) return logLine(usage());
  if (v.list) {
    for (const m of Object.values(METHODS)) {
      // deno-lint-ignore no-console
      console.log(`${m.name}\t${m.summary}\n\tdefaults ${JSON.stringify(m.defaults)}`);
    }
    for (const p of Object.values(PROTOCOLS)) {
      // deno-lint-ignore no-console
      console.log(`protocol ${p.name}\t${p.summary} (${p.spec})`);
    }
    return;
  }
  for (const f of ["model", "method", "bits", "out"] as const) {
    if (!v[f]) {
      throw new SamqError("invalid_argument", `Cannot quantize: --${f} is required (see --help)`, {
        field: f,
      });
    }
  }
  const opts: QuantizeModelOptions = { model: v.model!, method: v.method!, bits: v.bits!, out: v.out! };
  if (v.calib !== undefined) opts.calib = v.calib;
  if (v.protocol !== undefined) opts.protocol = getProtocol(v.protocol).name;
  if (v.n !== undefined) opts.n = intFlag("n", v.n);
  if (v.ep !== undefined) opts.ep = parseEpChoice(v.ep);
  if (v.scope !== undefined) opts.scope = v.scope as Scope | "auto";
  if (v.granularity !== undefined) opts.granularity = v.granularity as Granularity;
  if (v.seed !== undefined) opts.seed = intFlag("seed", v.seed);
  if (v["eval-data"] !== undefined) opts.evalData = v["eval-data"] === "none" ? null : v["eval-data"];
  if (v["prompts-per-image"] !== undefined) {
    opts.promptsPerImage = intFlag("prompts-per-image", v["prompts-per-image"]);
  }
  if (v["audit-images"] !== undefined) opts.auditImages = intFlag("audit-images", v["audit-images"]);
  if (v["include-float-parts"]) opts.includeFloatParts = true;
  if (v.set !== undefined) opts.methodOptions = parseSet(v.set);
  if (v.budget !== undefined) {
    const budget = Number(v.budget);
    if (v.budget.trim() === "" || !Number.isFinite(budget)) {
      throw new SamqError(
        "invalid_argument",
        `Cannot parse --budget "${v.budget}": expected a number in (0, 1]`,
        {
          field: "budget",
        },
      );
    }
    opts.methodOptions = { ...opts.methodOptions, budget };
  }
  if (v.force) opts.force = true;
  const { outDir, quant } = await quantizeModel(opts, progressLine);
  const t = quant.timingsMs;
  const ms = (x: number | undefined) => `${((x ?? 0) / 1000).toFixed(1)}s`;
  logLine(
    `wrote ${outDir}: ${quant.method} ${quant.bitsLabel} ${quant.granularity.weights}, protocol ${
      protocolLine(quant)
    }, ` +
      `${quant.quantizers.length} quantizers, ` +
      `${quant.folds.length} folds, audit ${quant.audit.passed ? "passed" : "FAILED"}; ` +
      `prepare ${ms(t.prepare)} calibrate ${ms(t.calibrate)} fold ${ms(t.fold)} emit ${ms(t.emit)} ` +
      `audit ${ms(t.audit)} write ${ms(t.write)} total ${ms(t.total)}`,
  );
}

if (import.meta.main) await runCli(main);
